// How soon a deploy notices RUNNING, and how hard it polls meanwhile (issue 14).
//
// The devserver turns an app RUNNING exactly buildTimeMs + replicaStartTimeMs after its PUT, so
// the moment it happens is known; the recording proxy sees when the CLI's poll first got an
// answer saying RUNNING. The delays are spread over 1-6 s so the transition falls at every
// phase of the poll cycle, and the figure is the mean over them.
import { deploy, startCluster } from '../lib/cluster.js';
import { mean, secondsBetween } from '../lib/measure.js';
import { fmt, row } from '../lib/rows.js';

const REPLICA_START_MS = 100;

function delays(phases) {
  return Array.from({ length: phases }, (_, i) => 1000 + Math.round((i * 5000) / phases) + 37 * i);
}

export async function readinessSuite({ quick, log }) {
  const latencies = [];
  const rates = [];
  for (const delayMs of delays(quick ? 4 : 8)) {
    const cluster = await startCluster({
      buildTimeMs: delayMs - REPLICA_START_MS,
      replicaStartTimeMs: REPLICA_START_MS,
    });
    try {
      await deploy(cluster);
      const put = cluster.proxy.put();
      if (!put) throw new Error('the deploy sent no PUT');
      const runningAt = put.at + BigInt(delayMs) * 1_000_000n;
      const polls = cluster.proxy.polls().filter((p) => p.at > put.at);
      const noticed = polls.find((p) => p.running);
      if (!noticed?.answeredAt) throw new Error('no poll saw the app RUNNING');
      latencies.push(secondsBetween(runningAt, noticed.answeredAt));
      const during = polls.filter((p) => p.at <= noticed.at);
      rates.push(during.length / secondsBetween(put.at, noticed.answeredAt));
    } finally {
      await cluster.stop();
    }
  }
  const latency = mean(latencies);
  const rate = mean(rates);
  log(`readiness: RUNNING noticed after ${fmt.ms(latency)} on average, ${rate.toFixed(2)} polls/s`);
  const group = 'Readiness';
  const part = 'readiness';
  return [
    row({
      group,
      workload: `RUNNING noticed after it happens (mean of ${latencies.length} phases)`,
      ours: `${fmt.ms(latency)} (${fmt.ms(Math.min(...latencies))}–${fmt.ms(Math.max(...latencies))})`,
      ratio: fmt.ms(latency),
      value: latency,
      goal: ['<=', 0.3],
      goalText: '≤ 0.3 s',
      ci: ['<=', 1],
      part,
    }),
    row({
      group,
      workload: 'status requests per second while waiting',
      ours: `${rate.toFixed(2)} /s`,
      ratio: `${rate.toFixed(2)} /s`,
      value: rate,
      goal: ['<=', 2],
      goalText: '≤ 2 /s',
      ci: ['<=', 4],
      part,
    }),
  ];
}
