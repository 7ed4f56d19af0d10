import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from '@jest/globals';

import type { PluginOptions } from './plugin.js';
import type { Row } from './rows.js';
import type { ScenarioOptions } from './scenario.js';
import { Scenario } from './scenario.js';
import { errorLine, errorReportProblems, exitOf, finishRow } from './verdict.js';

/** The kinds of bad input of the corpus. */
export type BadInputCategory =
  | 'params'
  | 'config.yaml'
  | 'environment'
  | 'flags'
  | 'plugin directory';

/** What a bad input's run is given. */
export interface BadInputContext {
  scenario: Scenario;
  /** The plugin directory of the case. */
  plugin: string;
}

/** One bad input: what is wrong, how the CLI is run with it, what it must answer. */
export interface BadInput {
  id: string;
  title: string;
  /** Exit codes that are right for it. @default [2] */
  exit?: readonly number[];
  /** The error line must match: it names the field, file, flag or variable. */
  names: RegExp;
  scenario?: ScenarioOptions;
  /** Changes to the suite's plugin (files replaced, or removed with null). */
  plugin?: PluginOptions;
  /** More preparation of the plugin directory or the cluster (symlinks, modes, an app). */
  prepare?(context: BadInputContext): Promise<void> | void;
  /** The command's arguments. @default a deploy of the plugin with `params` */
  args?(context: BadInputContext): string[];
  /** The raw `--params` value of the default deploy. @default '{}' */
  params?: string;
  /** Variables on top of the scenario's (undefined removes one). */
  env?(context: BadInputContext): Record<string, string | undefined>;
  /** Run as an unprivileged user (so that a file's mode can make it unreadable, even for root). */
  unprivileged?: boolean;
  /** Tokens the case passes itself (a wrong one on a flag): scanned too. */
  tokens?: readonly string[];
  /** More checks after the run; each string is a problem. */
  verify?(context: BadInputContext): Promise<string[]> | string[];
}

const NOBODY = 65534;

/** Runs one bad input on its own devserver and records its row. */
export async function runBadInput(
  category: BadInputCategory,
  input: BadInput,
  testFileUrl: string,
): Promise<Row> {
  const scenario = await Scenario.start(input.scenario);
  try {
    const plugin = await scenario.plugin(input.plugin);
    const context: BadInputContext = { scenario, plugin };
    const asNobody = input.unprivileged === true && process.getuid?.() === 0;
    if (asNobody) await openToEveryone(scenario, plugin);
    await input.prepare?.(context);
    const start = scenario.lastSeq();
    const args = input.args?.(context) ?? [
      'plugin',
      'run',
      'deployment',
      '--path',
      plugin,
      '--params',
      input.params ?? '{}',
    ];
    // Relative paths (`--params @file.json`) are read from the scenario's folder.
    const run = await scenario.run(args, {
      cwd: scenario.dir,
      env: {
        ...(asNobody
          ? {
              SYNAPSE_LOCK_DIR: join(scenario.dir, 'shared-locks'),
              SYNAPSE_STATE_DIR: join(scenario.dir, 'shared-state'),
            }
          : {}),
        ...input.env?.(context),
      },
      ...(asNobody ? { uid: NOBODY } : {}),
    });
    const allowed = input.exit ?? [2];
    const line = errorLine(run);
    const mutating = scenario.mutatingSince(start);
    const problems: string[] = [];
    if (run.code === null || !allowed.includes(run.code))
      problems.push(`exit ${exitOf(run)}, not ${allowed.join(' or ')}`);
    if (run.code !== 0) problems.push(...errorReportProblems(run));
    if (line !== undefined && !input.names.test(line))
      problems.push(`the error line does not name ${input.names.source}`);
    if (run.stderr.split('\n').filter((l) => l.startsWith('error: ')).length > 1)
      problems.push('more than one error line');
    if (mutating.length > 0) problems.push(`mutating requests: ${mutating.join(', ')}`);
    problems.push(...((await input.verify?.(context)) ?? []));
    return finishRow(
      scenario,
      testFileUrl,
      {
        group: 'bad-input',
        id: input.id,
        title: `${category}: ${input.title}`,
        expected: `exit ${allowed.join(' or ')}, names ${input.names.source}, nothing sent`,
        exit: exitOf(run),
        outcome: line ?? (run.stderr.trim().split('\n').at(-1) || '(no output)'),
        mutating: mutating.length,
        appsLost: 0,
        duplicateRecords: 0,
        problems,
      },
      input.tokens ?? [],
    );
  } finally {
    await scenario.stop();
  }
}

/** One concurrent jest test per bad input of a category. */
export function badInputRows(
  category: BadInputCategory,
  inputs: readonly BadInput[],
  testFileUrl: string,
): void {
  describe(`bad inputs: ${category}`, () => {
    for (const input of inputs) {
      it.concurrent(`${input.id} ${input.title}`, async () => {
        const row = await runBadInput(category, input, testFileUrl);
        expect(row.problems).toEqual([]);
      });
    }
  });
}

/** An unprivileged user must be able to read the plugin and write a lock and a state folder. */
async function openToEveryone(scenario: Scenario, plugin: string): Promise<void> {
  await chmod(scenario.dir, 0o755);
  await chmod(plugin, 0o755);
  for (const shared of ['shared-locks', 'shared-state']) {
    await mkdir(join(scenario.dir, shared), { recursive: true });
    await chmod(join(scenario.dir, shared), 0o1777);
  }
}
