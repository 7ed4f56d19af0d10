// Startup time of the synapse command: `node packages/cli/dist/bin/synapse.js --help`.
// Target (issue #6): median under 500 ms. Commands import their heavy modules (tsx, steps,
// devserver, clients) only when they run, so --help loads commander and little else.
// Run: pnpm build && node bench/cli-startup.bench.js
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET_MS = 500;
const RUNS = 21;
const bin = join(dirname(fileURLToPath(import.meta.url)), '../packages/cli/dist/bin/synapse.js');

function once() {
  const start = process.hrtime.bigint();
  const { status, stderr } = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (status !== 0) throw new Error(`synapse --help exited ${status}: ${stderr}`);
  return ms;
}

once(); // warm the file system cache
const times = Array.from({ length: RUNS }, once).sort((a, b) => a - b);
const median = times[Math.floor(RUNS / 2)];
console.log(
  `synapse --help: median ${median.toFixed(0)} ms over ${RUNS} runs (min ${times[0].toFixed(0)}, max ${times[RUNS - 1].toFixed(0)}; target < ${TARGET_MS} ms)`,
);
process.exitCode = median < TARGET_MS ? 0 : 1;
