// Deploy time against the number of apps already on the cluster (issue 14): the work between the
// deploy's connect and its PUT should grow linearly with the apps it reads and merges.
import { deploy, startCluster } from '../lib/cluster.js';
import { median, secondsBetween } from '../lib/measure.js';
import { fmt, row } from '../lib/rows.js';

const FAST = { buildTimeMs: 10, replicaStartTimeMs: 10, lightweightUpdateTimeMs: 10 };

function otherApps(count) {
  return Array.from({ length: count }, (_, i) => ({
    name: `other-${i}`,
    route_prefix: `/other-${i}`,
    import_path: `other_${i}.app:build`,
  }));
}

async function timeToPut(apps) {
  const cluster = await startCluster(FAST);
  try {
    if (apps > 0) cluster.dev.control.foreignPut({ applications: otherApps(apps) });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the other apps are RUNNING
    const result = await deploy(cluster);
    // The run reads /api/version early, while the plugin loads: the deploy's own work starts
    // with the next request of its connect.
    const first = cluster.proxy.requests.find((request) => request.path !== '/api/version');
    const put = cluster.proxy.put();
    if (!first || !put) throw new Error('the deploy sent no PUT');
    return {
      toPut: secondsBetween(first.at, put.at),
      total: secondsBetween(result.startedAt, result.endedAt),
    };
  } finally {
    await cluster.stop();
  }
}

export async function scaleSuite({ quick, log }) {
  const counts = [0, 1000, 2000];
  const repeats = quick ? 1 : 3;
  const results = [];
  for (const apps of counts) {
    const runs = [];
    for (let i = 0; i < repeats; i++) runs.push(await timeToPut(apps));
    results.push({
      apps,
      toPut: median(runs.map((r) => r.toPut)),
      total: median(runs.map((r) => r.total)),
    });
    log(`scale: ${apps} apps: ${fmt.ms(results.at(-1).toPut)} from the connect to the PUT`);
  }
  const [a, b, c] = results;
  // The cost of the second N apps over that of the first N: 1 when linear, 3 when quadratic.
  // Increments below 50 ms are noise, counted as 50 ms, so a flat cost reads about 1.
  const floor = 0.05;
  const slopeRatio = Math.max(c.toPut - b.toPut, floor) / Math.max(b.toPut - a.toPut, floor);
  return [
    row({
      group: 'Scale',
      workload: `deploy with ${counts.map((n) => n.toLocaleString('en-US')).join(' / ')} other apps on the cluster: connect to PUT (whole run)`,
      ours: results.map((r) => `${fmt.ms(r.toPut)} (${fmt.s(r.total)})`).join(' / '),
      ratio: `cost per app, 2nd half ÷ 1st half: ${slopeRatio.toFixed(2)}`,
      value: slopeRatio,
      goal: ['<=', 1.5],
      goalText: 'linear (≤ 1.5; quadratic is 3)',
      // Noise swings a single CI run a lot: this only catches a cost far steeper than linear.
      ci: ['<=', 6],
    }),
  ];
}
