// How quickly a Ray job starts and how late its output reaches us, through RayJobsClient.
// Against RAY_DASHBOARD_ADDRESS (and RAY_AUTH_TOKEN) when set — a real Ray head runs the
// entrypoint, which stamps each line with its own clock (same machine) — else against an
// in-process devserver with its default timings (its output is scripted, stamped when served).
// Figures only, no target: the job start depends on the cluster, the tail on Ray's 1 s polling.
// Run: pnpm build && [RAY_DASHBOARD_ADDRESS=http://127.0.0.1:8265 RAY_AUTH_TOKEN=…] node bench/ray-jobs-latency.js
// Not part of bench/run.js: its figures have no goal (see bench/README.md).
import { RayJobsClient } from '../packages/clients/dist/index.js';
import { DEFAULT_TIMINGS, startDevServer } from '../packages/devserver/dist/index.js';

const RUNS = 3;
const LINES = 6;
const real = process.env.RAY_DASHBOARD_ADDRESS;
const dev = real ? undefined : await startDevServer();
const jobs = new RayJobsClient({
  address: real ?? dev.dashboardUrl,
  token: process.env.RAY_AUTH_TOKEN,
});
const entrypoint = `python -c "import time\nfor i in range(${LINES}): print('T', time.time(), flush=True); time.sleep(0.5)"`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const starts = [];
const observedRunning = [];
const latencies = [];
for (let run = 0; run < RUNS; run++) {
  const id = `bench-${process.pid}-${Date.now()}-${run}`;
  if (dev) {
    // The devserver prints what it is told; stamp each line when it is served.
    dev.control.scriptJobOutput({
      submissionId: id,
      lines: Array(LINES).fill('T'),
      lineIntervalMs: 500,
    });
  }
  const submittedAt = Date.now();
  await jobs.submit({ entrypoint, submission_id: id });
  let runningAt;
  const lineTimes = [];
  const following = jobs.followLogs(id, {
    onText: (text) => {
      const now = Date.now();
      for (const line of text.split('\n')) if (line.startsWith('T')) lineTimes.push([now, line]);
    },
  });
  await jobs.waitForJob(id, {
    timeoutMs: 120_000,
    pollIntervalMs: 50,
    maxPollIntervalMs: 50,
    onStatus: (job) => {
      if (job.status === 'RUNNING' && runningAt === undefined) runningAt = Date.now();
    },
  });
  await following;
  observedRunning.push(runningAt - submittedAt);
  // When each line was printed: by the entrypoint's own clock on Ray, by the devserver's plan
  // (its start time, then one line every 500 ms) on the devserver.
  const printed = real
    ? lineTimes.map(([, line]) => Number(line.split(' ')[1]) * 1000)
    : lineTimes.map((_, i) => submittedAt + DEFAULT_TIMINGS.jobStartTimeMs + (i + 1) * 500);
  if (real) starts.push(Math.round(printed[0] - submittedAt));
  lineTimes.forEach(([seen], i) => latencies.push(Math.round(seen - printed[i])));
  await jobs.delete(id);
}
await dev?.stop();

const target = real ? `Ray at ${real}` : 'the devserver (default timings)';
console.log(`Ray jobs on ${target}, ${RUNS} runs:`);
console.log(
  `  submit → RUNNING seen (polling every 50 ms): median ${median(observedRunning)} ms (${observedRunning.join(', ')})`,
);
if (real) {
  console.log(
    `  submit → the entrypoint's first line: median ${median(starts)} ms (${starts.join(', ')})`,
  );
}
console.log(
  `  log latency over the tail WebSocket: median ${median(latencies)} ms, min ${Math.min(...latencies)}, max ${Math.max(...latencies)} (${latencies.length} lines)`,
);
