// `pnpm bench`: runs the project and its anchors side by side in one run and prints every
// figure against its goal (see bench/README.md).
//
//   node bench/run.js            full run (about 10 minutes), medians of 3
//   node bench/run.js --quick    fewer repeats and smaller scales
//   node bench/run.js --ci       --quick, then exit 1 if a figure is far outside its goal
//   node bench/run.js --readme   also rewrite the Performance table of README.md
//   node bench/run.js --only packaging,cli
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { machineLoad } from './lib/measure.js';
import { BENCH_STATE_DIR, REPO_ROOT } from './lib/paths.js';
import { ciFailures, markdownTable, writeReadmeTable } from './lib/report.js';
import { cliSuite } from './suites/cli.js';
import { engineSuite } from './suites/engine.js';
import { journalSuite } from './suites/journal.js';
import { packagingSuite } from './suites/packaging.js';
import { readinessSuite } from './suites/readiness.js';
import { scaleSuite } from './suites/scale.js';

const SUITES = {
  engine: engineSuite,
  packaging: packagingSuite,
  cli: cliSuite,
  readiness: readinessSuite,
  scale: scaleSuite,
  journal: journalSuite,
};

const args = process.argv.slice(2);
const ci = args.includes('--ci');
const quick = ci || args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const names = only ?? Object.keys(SUITES);
const unknown = names.filter((n) => !(n in SUITES));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; one of ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

const started = Date.now();
const loadBefore = machineLoad();
const log = (message) =>
  console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`);
log(`machine: ${loadBefore.uptime}`);
mkdirSync(BENCH_STATE_DIR, { recursive: true });

const rows = [];
for (const name of names) rows.push(...(await SUITES[name]({ quick, log })));

const loadAfter = machineLoad();
const machine = {
  date: new Date().toISOString().slice(0, 10),
  cpus: cpus().length,
  node: process.version,
  loadBefore: loadBefore.load1.toFixed(1),
  loadAfter: loadAfter.load1.toFixed(1),
  repeats: quick ? '1–2' : 3,
};
const table = markdownTable(rows);
const seconds = ((Date.now() - started) / 1000).toFixed(0);
const summary = `load ${machine.loadBefore} before, ${machine.loadAfter} after; ${seconds} s`;
console.log(`\n${table}\n\n${summary}`);
writeFileSync(
  join(BENCH_STATE_DIR, 'results.json'),
  `${JSON.stringify({ machine, rows }, null, 2)}\n`,
);
if (args.includes('--readme')) writeReadmeTable(rows, machine);

if (ci) {
  const failures = ciFailures(rows);
  const out = join(REPO_ROOT, '.ci', 'out');
  mkdirSync(out, { recursive: true });
  const lines = failures.map(
    (r) => `- ${r.group}: ${r.workload}: ${r.ratio}, outside the CI bound ${r.ci.op} ${r.ci.limit}`,
  );
  writeFileSync(join(out, 'bench.md'), `${table}\n\n${summary}\n${lines.join('\n')}\n`);
  for (const line of lines) console.log(line);
  console.log(
    `bench check: ${rows.length - failures.length} of ${rows.length} figures within their CI bounds`,
  );
  process.exitCode = failures.length > 0 ? 1 : 0;
}
