import { describe, expect, it } from '@jest/globals';

import type { CliRun } from './harness/cli-process.js';
import { describe as describeApp, duplicateRecords, missingApps } from './harness/cluster-state.js';
import { APP, V1 } from './harness/fault-row.js';
import { PREVIOUS_RELEASE_ID, Scenario } from './harness/scenario.js';
import { errorLine, exitOf, finishRow } from './harness/verdict.js';

const FILE = import.meta.url;

/** The order the runs ended in, each with its num_cpus. */
interface Ended {
  cpus: number;
  run: CliRun;
  endedAt: number;
}

async function together(
  s: Scenario,
  pluginDir: string,
  cpus: readonly number[],
  options: { args?: string[]; env?: (index: number) => Record<string, string> } = {},
): Promise<Ended[]> {
  const ended: Ended[] = [];
  await Promise.all(
    cpus.map(async (num_cpus, index) => {
      const run = await s.deploy(
        pluginDir,
        { num_cpus },
        {
          args: options.args ?? [],
          env: options.env?.(index) ?? {},
        },
      );
      ended.push({ cpus: num_cpus, run, endedAt: Date.now() });
    }),
  );
  return ended.sort((a, b) => a.endedAt - b.endedAt);
}

describe('concurrent deploys', () => {
  it.concurrent('C01 20 deploys of distinct apps at once', async () => {
    const s = await Scenario.start();
    try {
      await s.seedBystander();
      const plugin = await s.plugin();
      const start = s.lastSeq();
      const names = Array.from({ length: 20 }, (_, i) => `app-${String(i + 1).padStart(2, '0')}`);
      const ended = await together(
        s,
        plugin,
        names.map(() => 0.1),
        {
          env: (index) => ({ SYNAPSE_PLUGIN_RELEASE_CODE: names[index]! }),
        },
      );
      const after = s.state();
      const problems: string[] = [];
      const failed = ended.filter((e) => e.run.code !== 0);
      if (failed.length > 0)
        problems.push(
          `${failed.length} exited non-zero: ${failed.map((e) => `${exitOf(e.run)} ${errorLine(e.run) ?? ''}`).join('; ')}`,
        );
      const notRunning = names.filter((n) => after.apps[n]?.status !== 'RUNNING');
      if (notRunning.length > 0) problems.push(`not RUNNING at the end: ${notRunning.join(', ')}`);
      const lost = missingApps(after, ['bystander', ...names]);
      const row = finishRow(s, FILE, {
        group: 'concurrency',
        id: 'C01',
        title: '20 deploys of distinct apps at once',
        expected: 'all exit 0, all 20 RUNNING, bystander untouched',
        exit: summary(ended),
        outcome: `${names.length - notRunning.length}/20 RUNNING, bystander ${describeApp(after.apps['bystander'])}`,
        mutating: s.mutatingSince(start).length,
        appsLost: lost.length,
        duplicateRecords: duplicateRecords(after),
        problems: [...problems, ...(lost.length > 0 ? [`apps lost: ${lost.join(', ')}`] : [])],
      });
      expect(row.problems).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it.concurrent('C02 5 deploys of one app at once, different num_cpus', async () => {
    const s = await Scenario.start({ register: true });
    try {
      await s.seedBystander();
      await s.deployed(
        await s.plugin({ marker: V1.marker }),
        { num_cpus: V1.numCpus },
        { env: { SYNAPSE_PLUGIN_RELEASE_ID: PREVIOUS_RELEASE_ID } },
      );
      const plugin = await s.plugin({ marker: 'v2' });
      const start = s.lastSeq();
      const ended = await together(s, plugin, [1, 2, 3, 4, 5]);
      const after = s.state();
      const problems: string[] = [];
      const succeeded = ended.filter((e) => e.run.code === 0);
      const last = succeeded.at(-1);
      const app = after.apps[APP];
      if (last === undefined) problems.push('no run exited 0');
      else if (app?.status !== 'RUNNING' || app.numCpus !== last.cpus || app.marker !== 'v2')
        problems.push(
          `the last run to succeed set num_cpus=${last.cpus}, the app is ${describeApp(app)}`,
        );
      for (const e of ended.filter((x) => x.run.code !== 0))
        problems.push(`num_cpus=${e.cpus} exited ${exitOf(e.run)}: ${errorLine(e.run) ?? ''}`);
      if (ended.some((e) => /rolled back/.test(e.run.stderr)))
        problems.push('a run says "rolled back" while another run\'s config is live');
      if (!ended.some((e) => /pid \d+/.test(e.run.stderr)))
        problems.push('no waiting run said who holds the app (pid, host, since)');
      if (after.apps['bystander']?.status !== 'RUNNING')
        problems.push('the bystander is not RUNNING');
      const lost = missingApps(after, ['bystander', APP]);
      const row = finishRow(s, FILE, {
        group: 'concurrency',
        id: 'C02',
        title: '5 deploys of one app at once (num_cpus 1-5), each waiting its turn',
        expected: 'each exits 0 in turn; the app runs what the last one reported; one record',
        exit: summary(ended),
        outcome: `${APP} ${describeApp(app)}, ${after.records.length} record(s)`,
        mutating: s.mutatingSince(start).length,
        appsLost: lost.length,
        duplicateRecords: duplicateRecords(after),
        problems,
      });
      expect(row.problems).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it.concurrent('C03 5 deploys of one app at once with --no-wait', async () => {
    const s = await Scenario.start();
    try {
      await s.seedBystander();
      await s.deployed(await s.plugin({ marker: V1.marker }), { num_cpus: V1.numCpus });
      const plugin = await s.plugin({ marker: 'v2' });
      const start = s.lastSeq();
      const ended = await together(s, plugin, [1, 2, 3, 4, 5], { args: ['--no-wait'] });
      const after = s.state();
      const problems: string[] = [];
      const succeeded = ended.filter((e) => e.run.code === 0);
      const app = after.apps[APP];
      if (succeeded.length === 0) problems.push('no run exited 0');
      const winner = succeeded.at(-1);
      if (winner && (app?.numCpus !== winner.cpus || app.status !== 'RUNNING'))
        problems.push(`num_cpus=${winner.cpus} exited 0 but the app is ${describeApp(app)}`);
      for (const e of ended.filter((x) => x.run.code !== 0)) {
        const line = errorLine(e.run) ?? '';
        if (!/pid \d+/.test(line) || !/--no-wait/.test(line))
          problems.push(`a refused run does not say who holds the app: ${exitOf(e.run)} ${line}`);
      }
      const lost = missingApps(after, ['bystander', APP]);
      const row = finishRow(s, FILE, {
        group: 'concurrency',
        id: 'C03',
        title: '5 deploys of one app at once with --no-wait',
        expected:
          'one exits 0, the others refuse at once naming the holder; the app runs the winner',
        exit: summary(ended),
        outcome: `${APP} ${describeApp(app)}`,
        mutating: s.mutatingSince(start).length,
        appsLost: lost.length,
        duplicateRecords: duplicateRecords(after),
        problems,
      });
      expect(row.problems).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it.concurrent(
    'C04 2 deploys of one app at once, each with its own SYNAPSE_LOCK_DIR',
    async () => {
      const s = await Scenario.start();
      try {
        await s.seedBystander();
        await s.deployed(await s.plugin({ marker: V1.marker }), { num_cpus: V1.numCpus });
        const plugin = await s.plugin({ marker: 'v2' });
        const start = s.lastSeq();
        const ended = await together(s, plugin, [1, 2], {
          env: (index) => ({ SYNAPSE_LOCK_DIR: `${s.dir}/locks-${index}` }),
        });
        const after = s.state();
        const app = after.apps[APP];
        const problems: string[] = [];
        const succeeded = ended.filter((e) => e.run.code === 0);
        if (app === undefined) problems.push(`${APP} is gone`);
        else if (app.status !== 'RUNNING') problems.push(`${APP} is ${app.status}`);
        else if (succeeded.length > 0 && !succeeded.some((e) => e.cpus === app.numCpus))
          problems.push(`${APP} runs num_cpus=${app.numCpus}, which no successful run deployed`);
        else if (succeeded.length === 0 && app.marker !== V1.marker)
          problems.push(`both runs failed but ${APP} is ${describeApp(app)}`);
        const lost = missingApps(after, ['bystander', APP]);
        const row = finishRow(s, FILE, {
          group: 'concurrency',
          id: 'C04',
          title: '2 deploys of one app at once, each with its own SYNAPSE_LOCK_DIR',
          expected: 'the app never lost; it runs the version of a run that exited 0',
          exit: summary(ended),
          outcome: `${APP} ${describeApp(app)}`,
          mutating: s.mutatingSince(start).length,
          appsLost: lost.length,
          duplicateRecords: duplicateRecords(after),
          problems: [...problems, ...(lost.length > 0 ? [`apps lost: ${lost.join(', ')}`] : [])],
        });
        expect(row.problems).toEqual([]);
      } finally {
        await s.stop();
      }
    },
  );
});

/** `0 ×19, 1 ×1` */
function summary(ended: readonly Ended[]): string {
  const counts = new Map<string, number>();
  for (const e of ended) counts.set(exitOf(e.run), (counts.get(exitOf(e.run)) ?? 0) + 1);
  return [...counts].map(([code, n]) => `${code} ×${n}`).join(', ');
}
