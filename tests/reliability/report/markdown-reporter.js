// A jest reporter: once the reliability suite has run, turns the rows its tests recorded
// (.reliability/rows/*.jsonl) into docs/RELIABILITY.md. A run of some files only (a path or
// -t filter) writes .reliability/RELIABILITY.md instead, so the committed table always comes
// from a whole run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { renderReport } from './render-report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ROWS_DIR = join(ROOT, '.reliability', 'rows');
const SUITE_DIR = join(ROOT, 'tests', 'reliability');

export default class MarkdownReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
    this.started = Date.now();
  }

  onRunStart() {
    rmSync(ROWS_DIR, { recursive: true, force: true });
    mkdirSync(ROWS_DIR, { recursive: true });
    this.started = Date.now();
  }

  onRunComplete(_contexts, results) {
    const rows = readRows();
    const recorded = new Set(rows.map((row) => row.id));
    // A test that failed before it could record its row still gets one, with its error.
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const id = /^([A-Z]+\d+)\b/.exec(test.title)?.[1];
        if (test.status !== 'failed' || id === undefined || recorded.has(id)) continue;
        rows.push(crashedRow(id, test, file.testFilePath));
      }
      if (file.testExecError) rows.push(crashedFile(file));
    }
    const complete =
      results.numTotalTestSuites === suiteFiles().length &&
      results.numPendingTests === 0 &&
      results.numTodoTests === 0;
    const text = renderReport(rows, {
      commit: gitCommit(),
      date: new Date().toISOString().slice(0, 16).replace('T', ' '),
      node: process.version,
      cores: cpus().length,
      wallSeconds: Math.round((Date.now() - this.started) / 1000),
    });
    const target = complete
      ? join(ROOT, 'docs', 'RELIABILITY.md')
      : join(ROOT, '.reliability', 'RELIABILITY.md');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    console.log(
      `\nreliability table: ${relative(ROOT, target)}${complete ? '' : ' (a partial run)'}`,
    );
  }
}

function readRows() {
  if (!existsSync(ROWS_DIR)) return [];
  return readdirSync(ROWS_DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) =>
      readFileSync(join(ROWS_DIR, name), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line)),
    );
}

function suiteFiles(dir = SUITE_DIR) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return suiteFiles(path);
    return entry.name.endsWith('.rel-test.ts') ? [path] : [];
  });
}

const GROUP_BY_PREFIX = { F: 'fault', S: 'signal', K: 'kill', C: 'concurrency', B: 'bad-input' };

function crashedRow(id, test, file) {
  const message = (test.failureMessages[0] ?? 'failed').split('\n')[0];
  return {
    group: GROUP_BY_PREFIX[id[0]] ?? 'fault',
    id,
    title: test.title.slice(id.length).trim(),
    expected: '—',
    exit: '—',
    outcome: `the test failed before recording its row (${relative(ROOT, file)})`,
    mutating: 0,
    appsLost: 0,
    duplicateRecords: 0,
    tokenLeaks: 0,
    outputsScanned: 0,
    problems: [message],
  };
}

function crashedFile(file) {
  return crashedRow(
    'F999',
    {
      title: `F999 ${relative(ROOT, file.testFilePath)}`,
      failureMessages: [file.testExecError.message],
    },
    file.testFilePath,
  );
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}
