// CLI start-up against `node -e 0`, and how soon `plugin run` reaches the cluster (issue 14).
import { deploy, startCluster } from '../lib/cluster.js';
import { median, secondsBetween, spawnAsync } from '../lib/measure.js';
import { fmt, row } from '../lib/rows.js';

export async function cliSuite({ quick, log }) {
  const runs = quick ? 5 : 11;
  const group = 'CLI';
  const cluster = await startCluster({ buildTimeMs: 50, replicaStartTimeMs: 50 });
  try {
    await deploy(cluster); // one app for `serve status` to list
    // Both timed the same way (an async spawn, so the devserver in this process keeps
    // answering), and interleaved, so that a change in the machine's load hits both alike.
    const nodeRuns = [];
    const status = [];
    for (let i = 0; i < runs; i++) {
      const bare = await spawnAsync(process.execPath, ['-e', '0']).done;
      nodeRuns.push(secondsBetween(bare.startedAt, bare.endedAt));
      const result = await cluster.synapse(['serve', 'status']).done;
      if (result.code !== 0)
        throw new Error(`synapse serve status exited ${result.code}: ${result.stderr}`);
      status.push(secondsBetween(result.startedAt, result.endedAt));
    }
    const node = median(nodeRuns);
    const statusS = median(status);
    log(`cli: serve status ${fmt.ms(statusS)}, node -e 0 ${fmt.ms(node)}`);

    const firstRequest = [];
    for (let i = 0; i < (quick ? 3 : 5); i++) {
      const seen = cluster.proxy.requests.length;
      const result = await deploy(cluster);
      const first = cluster.proxy.requests[seen];
      firstRequest.push(secondsBetween(result.startedAt, first.at));
    }
    const firstS = median(firstRequest);
    log(`cli: first request of plugin run after ${fmt.ms(firstS)}`);
    return [
      row({
        group,
        workload: '`synapse serve status`, start to exit',
        ours: fmt.ms(statusS),
        anchor: `\`node -e 0\` ${fmt.ms(node)}`,
        ratio: `${fmt.x(statusS / node)} \`node -e 0\``,
        value: statusS / node,
        goal: ['<=', 2],
        goalText: '≤ 2× `node -e 0`',
        ci: ['<=', 12],
        // got and zod, which a status request needs, take about 2.6× `node -e 0` to load on Node 20.
        part: 'loading got and zod',
      }),
      row({
        group,
        workload: 'first HTTP request of `plugin run` after start',
        ours: fmt.ms(firstS),
        ratio: fmt.ms(firstS),
        value: firstS,
        goal: ['<=', 0.3],
        goalText: '≤ 0.3 s',
        ci: ['<=', 8],
        part: 'the engine and the plugin load before it',
      }),
    ];
  } finally {
    await cluster.stop();
  }
}
