import type { CliRun } from './cli-process.js';
import type { ClusterSnapshot } from './cluster-state.js';
import { describe, differences, duplicateRecords, missingApps } from './cluster-state.js';
import type { Row, RowGroup } from './rows.js';
import { recordRow } from './rows.js';
import type { Scenario } from './scenario.js';

/** The version of the app a successful run must leave RUNNING. */
export interface Version {
  marker: string;
  numCpus: number;
}

/**
 * An end that tells the truth: exit 0 with this run's version RUNNING (and every other app as
 * it was), a failure exit code with the cluster and backend exactly as before the run, or —
 * where neither can be reached (a restart wiped what a rollback needs) — an exit code whose
 * error line says what is left (the row's own check reads it).
 */
export type Truthful = { success: Version } | { preRun: number } | { stated: number };

/** What {@link judge} compares. */
export interface Judgement {
  /** The app the run deploys. */
  app: string;
  before: ClusterSnapshot;
  after: ClusterSnapshot;
  run: CliRun;
  /** The ends accepted for this row, the first one being the one expected. */
  accept: readonly Truthful[];
}

/** What a run's end was, and what about it is wrong. */
export interface Verdict {
  exit: string;
  outcome: string;
  problems: string[];
  appsLost: number;
  duplicateRecords: number;
}

/** `0`, `130`, `SIGKILL`, `hung`. */
export function exitOf(run: CliRun): string {
  if (run.hung) return 'hung (killed by the suite)';
  return run.code === null ? String(run.signal) : String(run.code);
}

/** The `error:` line of a failed run, or undefined. */
export function errorLine(run: CliRun): string | undefined {
  return run.stderr
    .split('\n')
    .find((line) => line.startsWith('error: '))
    ?.trim();
}

/** Compares a run's exit code and the cluster's state with the ends the row accepts. */
export function judge(j: Judgement): Verdict {
  const problems: string[] = [];
  const code = j.run.code;
  const changes = differences(j.before, j.after);
  // The run's own record (a registering run creates one) is part of its change, not another.
  const ownRecord =
    code === 0 &&
    j.after.records.length === j.before.records.length + 1 &&
    j.after.records.at(-1)?.name === j.app;
  const others = changes.filter(
    (change) =>
      !change.startsWith(`${j.app} `) && !(ownRecord && change.includes('backend record')),
  );
  const success = j.accept.find((a): a is { success: Version } => 'success' in a);
  const preRun = j.accept.flatMap((a) => ('preRun' in a ? [a.preRun] : []));
  const stated = j.accept.flatMap((a) => ('stated' in a ? [a.stated] : []));
  // A record the backend cannot delete, named in the output, is all a rollback can leave.
  const reportedRecordsOnly =
    changes.every((change) => change.includes('backend record')) && reportsRecord(j.run);
  let outcome: string;
  let expectedPresent = Object.keys(j.before.apps);

  if (code === 0) {
    const app = j.after.apps[j.app];
    outcome = `${j.app} ${describe(app)}`;
    if (success === undefined) problems.push(`exit 0 where ${expectText(j.accept)} was expected`);
    else {
      const want = success.success;
      if (app?.status !== 'RUNNING' || app.marker !== want.marker || app.numCpus !== want.numCpus)
        problems.push(
          `exit 0 but ${j.app} is ${describe(app)}, not RUNNING ${want.marker} num_cpus=${want.numCpus}`,
        );
    }
    if (others.length > 0) problems.push(`other changes: ${others.join('; ')}`);
    expectedPresent = [...expectedPresent, j.app];
  } else if (code !== null && preRun.includes(code)) {
    outcome = changes.length === 0 ? 'pre-run state' : changes.join('; ');
    if (changes.length > 0 && !reportedRecordsOnly)
      problems.push(`exit ${code} but not the pre-run state: ${changes.join('; ')}`);
  } else if (code !== null && stated.includes(code)) {
    outcome = `${changes.length === 0 ? 'pre-run state' : changes.join('; ')}; said: ${errorLine(j.run) ?? 'nothing'}`;
  } else {
    outcome = changes.length === 0 ? 'pre-run state' : changes.join('; ');
    problems.push(`exit ${exitOf(j.run)} where ${expectText(j.accept)} was expected`);
  }
  if (code !== 0 && code !== null) problems.push(...errorReportProblems(j.run));
  if (
    /rolled back/.test(j.run.stderr) &&
    changes.length > 0 &&
    !reportedRecordsOnly &&
    code !== 0 &&
    !(code !== null && stated.includes(code))
  )
    problems.push('says "rolled back" while the cluster is not as before the run');

  const lost = missingApps(j.after, expectedPresent);
  if (lost.length > 0) problems.push(`apps lost: ${lost.join(', ')}`);
  const duplicates = duplicateRecords(j.after);
  if (duplicates > 0) problems.push(`${duplicates} duplicate backend record(s)`);
  return {
    exit: exitOf(j.run),
    outcome,
    problems,
    appsLost: lost.length,
    duplicateRecords: duplicates,
  };
}

/** `exit 0 (v2 RUNNING) or exit 1 and the pre-run state`. */
export function expectText(accept: readonly Truthful[]): string {
  return accept
    .map((a) =>
      'success' in a
        ? `exit 0, ${a.success.marker} num_cpus=${a.success.numCpus} RUNNING`
        : 'preRun' in a
          ? `exit ${a.preRun}, pre-run state`
          : `exit ${a.stated}, saying what is left`,
    )
    .join(' or ');
}

/** A failed run explains itself in one `error:` line, without a stack trace. */
export function errorReportProblems(run: CliRun): string[] {
  const problems: string[] = [];
  if (errorLine(run) === undefined) problems.push('no "error:" line on stderr');
  if (/^\s+at .+:\d+:\d+\)?$/m.test(run.stderr)) problems.push('a stack trace on stderr');
  return problems;
}

// A record the backend cannot delete, named in the output, is an honest end too.
function reportsRecord(run: CliRun): boolean {
  return /record \d+\b.*\bleft in place/.test(run.stderr);
}

/** Completes a row with the scenario's token scan, records it and returns it. */
export function finishRow(
  scenario: Scenario,
  testFile: string,
  row: Omit<Row, 'tokenLeaks' | 'outputsScanned'>,
  extraTokens: readonly string[] = [],
): Row {
  const scan = scenario.tokenScan(extraTokens);
  const full: Row = {
    ...row,
    tokenLeaks: scan.leaks.length,
    outputsScanned: scan.scanned,
    problems: [...row.problems, ...scan.leaks.map((where) => `token leaked in ${where}`)],
  };
  recordRow(full, testFile);
  return full;
}

/** The fields of a row for a group, id and title, to spread in. */
export function rowHead(group: RowGroup, id: string, title: string, expected: string) {
  return { group, id, title, expected };
}
