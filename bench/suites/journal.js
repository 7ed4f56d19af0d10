// What the run journal costs a deploy (issue 12): the built `synapse plugin run deployment`
// with its journal against the same deploy with `--no-journal`, alternating, in one run.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { deploy, PLUGIN_DIR, startCluster } from '../lib/cluster.js';
import { median, secondsBetween } from '../lib/measure.js';
import { fmt, row } from '../lib/rows.js';

export async function journalSuite({ quick, log }) {
  const pairs = quick ? 3 : 7;
  const group = 'Journal';
  const cluster = await startCluster({ buildTimeMs: 50, replicaStartTimeMs: 50 });
  const stateDir = cluster.env.SYNAPSE_STATE_DIR;
  rmSync(stateDir, { recursive: true, force: true });
  try {
    await deploy(cluster); // the package is on the cluster, and kept in the journal, from here on
    const blobsBefore = dirBytes(join(stateDir, 'blobs'));
    const timed = { journal: [], none: [] };
    const journalBytes = [];
    let cpus = 1;
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first, so that a slow moment of the machine hits both.
      for (const journal of i % 2 === 0 ? [true, false] : [false, true]) {
        cpus = cpus === 1 ? 2 : 1; // every deploy changes the config: a PUT and a wait
        const runsBefore = new Set(listRuns(stateDir));
        const args = ['plugin', 'run', 'deployment', '--path', PLUGIN_DIR, '--json'];
        args.push('--params', JSON.stringify({ num_cpus: cpus }));
        if (!journal) args.push('--no-journal');
        const seen = cluster.proxy.requests.length;
        const result = await cluster.synapse(args).done;
        if (result.code !== 0)
          throw new Error(`synapse plugin run exited ${result.code}: ${result.stderr}`);
        const put = cluster.proxy.requests.slice(seen).find((r) => r.method === 'PUT');
        if (!put) throw new Error('the deploy sent no PUT');
        (journal ? timed.journal : timed.none).push(
          secondsBetween(result.startedAt, result.endedAt),
        );
        if (journal) {
          const added = listRuns(stateDir).filter((name) => !runsBefore.has(name));
          if (added.length !== 1)
            throw new Error(`expected one new journal, found ${added.length}`);
          journalBytes.push(statSync(join(stateDir, 'runs', added[0])).size);
        }
      }
    }
    const withS = median(timed.journal);
    const withoutS = median(timed.none);
    const perDeploy = median(journalBytes);
    const blobsAdded = dirBytes(join(stateDir, 'blobs')) - blobsBefore;
    log(
      `journal: deploy ${fmt.ms(withS)} with, ${fmt.ms(withoutS)} without; ${perDeploy} B of journal per deploy; ${blobsAdded} B of packages added for ${pairs} deploys of a kept package`,
    );
    return [
      row({
        group,
        workload: '`plugin run deployment` (config changed: PUT and wait), start to exit',
        ours: `${fmt.ms(withS)} journaled`,
        anchor: `\`--no-journal\` ${fmt.ms(withoutS)}`,
        ratio: `${fmt.x(withS / withoutS)} \`--no-journal\``,
        value: withS / withoutS,
        goal: ['<=', 1.1],
        goalText: '≤ 1.1× `--no-journal`',
        ci: ['<=', 2],
      }),
      row({
        group,
        workload: 'journal bytes written per deploy (the package once per content: deduplicated)',
        ours: `${(perDeploy / 1024).toFixed(1)} KiB`,
        anchor: `${blobsAdded} B of packages for ${pairs} deploys of one kept package`,
        ratio: `${(perDeploy / 1024).toFixed(1)} KiB`,
        value: perDeploy / 1024,
        goal: ['<=', 32],
        goalText: '≤ 32 KiB',
        ci: ['<=', 128],
      }),
    ];
  } finally {
    await cluster.stop();
  }
}

function listRuns(stateDir) {
  try {
    return readdirSync(join(stateDir, 'runs')).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return [];
  }
}

function dirBytes(dir) {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}
