// Prints CI's final "N passed, N failed" line: the sum of every jest JSON report in a folder, so
// that a new lane only has to write its own report there (`jest-<lane>.json`).
//
// usage: node .ci/summarize-reports.mjs <folder> [<lane>=<exit code> ...]
// A lane that exited non-zero without a failed test in its report (it crashed, or could not set
// up, e.g. no Python for the real-Ray lane) counts as one failure, so it cannot pass unnoticed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [folder, ...lanes] = process.argv.slice(2);
if (!folder) {
  console.error('usage: node .ci/summarize-reports.mjs <folder> [<lane>=<exit code> ...]');
  process.exit(2);
}

/** Passed and failed tests of one jest `--json` report; a suite that could not run counts as one failure. */
function counts(report) {
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0),
  };
}

let passed = 0;
let failed = 0;
const files = existsSync(folder)
  ? readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const byFile = new Map();
for (const file of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(folder, file), 'utf8'));
  } catch {
    continue;
  }
  if (typeof report.numPassedTests !== 'number') continue; // not a jest report
  const c = counts(report);
  byFile.set(file, c);
  passed += c.passed;
  failed += c.failed;
  console.log(`${file}: ${c.passed} passed, ${c.failed} failed`);
}

for (const lane of lanes) {
  const [name, code] = lane.split('=');
  const report = byFile.get(`jest-${name}.json`);
  if (Number(code) !== 0 && (report === undefined || report.failed === 0)) {
    console.log(`${name}: exited ${code} ${report ? 'with no failed test' : 'without a report'}`);
    failed += 1;
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
