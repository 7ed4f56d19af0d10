import { describe, expect, it } from '@jest/globals';

import type { CliRun, RunningCli } from './cli-process.js';
import type { ClusterSnapshot } from './cluster-state.js';
import type { PluginOptions } from './plugin.js';
import type { Row, RowGroup } from './rows.js';
import type { ScenarioOptions } from './scenario.js';
import { PREVIOUS_RELEASE_ID, Scenario } from './scenario.js';
import type { Truthful, Version } from './verdict.js';
import { expectText, finishRow, judge } from './verdict.js';

/** The app every fault row deploys: `<code>@<version>` of the suite's plugin. */
export const APP = 'model@1.0.0';

/** The version running before a row's run (when the app exists). */
export const V1: Version = { marker: 'v1', numCpus: 0.5 };
/** The version a row's run deploys unless it says otherwise: a code change (a rebuild). */
export const V2: Version = { marker: 'v2', numCpus: 1 };

/** What a row arranges, what it runs and what it accepts. */
export interface FaultRowSpec {
  group?: RowGroup;
  id: string;
  title: string;
  scenario?: ScenarioOptions;
  /** Whether `APP` runs V1 before the run. @default true */
  existing?: boolean;
  /** What the run deploys. @default V2 */
  version?: Version;
  /** More of the run's plugin (its serve class name…). */
  plugin?: Omit<PluginOptions, 'marker'>;
  /** The state a truthful failure must restore, when the fault itself changed it (a restart wipes the other apps). */
  preRun?(before: ClusterSnapshot): ClusterSnapshot;
  /** The ends that tell the truth: `'success'` (this run's version RUNNING) or an exit code with the pre-run state. */
  accept: readonly ('success' | number | { stated: number })[];
  /** More arguments of the run, e.g. `['--timeout', '8s']`. */
  args?: readonly string[];
  /** More variables of the run. */
  env?: Record<string, string | undefined>;
  /** Sets the fault up once the starting state is in place, right before the run. */
  arrange?(scenario: Scenario): Promise<void> | void;
  /** Acts while the run goes (signals, a foreign writer…). */
  during?(scenario: Scenario, running: RunningCli, startSeq: number): Promise<void>;
  /**
   * After the run (and before the state is judged): a re-run, for rows whose first run is
   * killed. Its result is the one judged; the first run's exit is shown before it.
   */
  rerun?: boolean;
  /** More checks of the judged run; each string returned is a problem. */
  check?(run: CliRun, scenario: Scenario): string[];
  /** Checks of the first run of a row with a re-run: its end, the state before and after it. */
  checkFirst?(first: { run: CliRun; before: ClusterSnapshot; after: ClusterSnapshot }): string[];
  /** Right before the re-run (clear the faults that would make it fail too). */
  beforeRerun?(scenario: Scenario): void;
}

/**
 * Runs one fault row end to end on its own devserver: a bystander app, the starting version
 * of the app (unless the row starts without it), the fault, the run of the built CLI, the
 * judgement against the pre-run state, the token scan; records the row and returns it.
 */
export async function runFaultRow(spec: FaultRowSpec, testFile: string): Promise<Row> {
  const scenario = await Scenario.start(spec.scenario);
  try {
    await scenario.seedBystander();
    if (spec.existing !== false) {
      const v1 = await scenario.plugin({ marker: V1.marker });
      await scenario.deployed(
        v1,
        { num_cpus: V1.numCpus },
        { env: { SYNAPSE_PLUGIN_RELEASE_ID: PREVIOUS_RELEASE_ID } },
      );
    }
    const version = spec.version ?? V2;
    const pluginDir = await scenario.plugin({ ...spec.plugin, marker: version.marker });
    await spec.arrange?.(scenario);
    const observed = scenario.state();
    const startSeq = scenario.lastSeq();
    const args = scenario.deployArgs(pluginDir, { num_cpus: version.numCpus }, spec.args ?? []);
    const running = scenario.start(args, { env: spec.env ?? {} });
    await spec.during?.(scenario, running, startSeq);
    let run = await running.exited;
    const exits = [run];
    const problems = spec.checkFirst?.({ run, before: observed, after: scenario.state() }) ?? [];
    if (spec.rerun) {
      spec.beforeRerun?.(scenario);
      run = await scenario.run(args, { env: spec.env ?? {} });
      exits.push(run);
    }
    const accept: Truthful[] = spec.accept.map((a) =>
      a === 'success' ? { success: version } : typeof a === 'number' ? { preRun: a } : a,
    );
    const before = spec.preRun?.(observed) ?? observed;
    const verdict = judge({ app: APP, before, after: scenario.state(), run, accept });
    problems.push(...verdict.problems, ...(spec.check?.(run, scenario) ?? []));
    return finishRow(scenario, testFile, {
      group: spec.group ?? 'fault',
      id: spec.id,
      title: spec.title,
      expected: expectText(accept),
      exit: exits.map((r) => (r === run ? verdict.exit : exitText(r))).join(' → '),
      outcome: verdict.outcome,
      mutating: scenario.mutatingSince(startSeq).length,
      appsLost: verdict.appsLost,
      duplicateRecords: verdict.duplicateRecords,
      problems,
    });
  } finally {
    await scenario.stop();
  }
}

function exitText(run: CliRun): string {
  return run.code === null ? String(run.signal) : String(run.code);
}

/**
 * One jest test per row, run side by side (each has its own devserver): the row is recorded
 * whatever happens, and the test fails with the row's problems.
 */
export function faultRows(name: string, rows: readonly FaultRowSpec[], testFileUrl: string): void {
  describe(name, () => {
    for (const row of rows) {
      it.concurrent(`${row.id} ${row.title}`, async () => {
        const result = await runFaultRow(row, testFileUrl);
        expect(result.problems).toEqual([]);
      });
    }
  });
}
