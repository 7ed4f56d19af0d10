import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { REPO_ROOT } from './cli-process.js';

/** The tables of docs/RELIABILITY.md. */
export type RowGroup = 'fault' | 'signal' | 'kill' | 'concurrency' | 'bad-input';

/** One line of docs/RELIABILITY.md: one scenario, what was expected and what happened. */
export interface Row {
  group: RowGroup;
  /** Stable id, e.g. `F07`, `B042`. */
  id: string;
  /** What was done, e.g. `dashboard down 3 s at the start of the rollback`. */
  title: string;
  /** e.g. `exit 1, pre-run state`. */
  expected: string;
  /** The exit code(s), e.g. `1`, or `killed → 0` for a run and its re-run. */
  exit: string;
  /** What the cluster and backend held afterwards, or the error line of a bad input. */
  outcome: string;
  /** Mutating requests (anything but GET/HEAD) the run sent. */
  mutating: number;
  appsLost: number;
  duplicateRecords: number;
  /** Outputs (stdout or stderr of a run) that contained a token. */
  tokenLeaks: number;
  /** Outputs scanned for tokens. */
  outputsScanned: number;
  /** Everything that is not as the row expects; empty when the row passes. */
  problems: string[];
}

/** Where rows go while the suite runs; the reporter turns them into docs/RELIABILITY.md. */
export const ROWS_DIR = join(REPO_ROOT, '.reliability', 'rows');

/** Appends a row to the rows of the test file at `testFileUrl` (its `import.meta.url`). */
export function recordRow(row: Row, testFileUrl: string): void {
  mkdirSync(ROWS_DIR, { recursive: true });
  appendFileSync(
    join(ROWS_DIR, `${basename(fileURLToPath(testFileUrl)).replace(/\W+/g, '-')}.jsonl`),
    `${JSON.stringify(row)}\n`,
  );
}
