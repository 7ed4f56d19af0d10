import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Ignored folder for what the bench generates: trees, virtualenvs, results. */
export const BENCH_STATE_DIR = join(REPO_ROOT, '.bench');
export const ANCHORS_DIR = join(REPO_ROOT, 'bench', 'anchors');
export const WORKLOADS_DIR = join(REPO_ROOT, 'bench', 'workloads');
export const SYNAPSE_BIN = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin', 'synapse.js');
