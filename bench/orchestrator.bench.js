// Orchestrator overhead: no-op steps through the full engine (events, progress, attempt guard).
// Target (issue #2): at least 200,000 steps per second on the 2-core CI machine.
// Run: pnpm build && node bench/orchestrator.bench.js
import {
  BaseStep,
  BaseStepContext,
  Orchestrator,
  RuntimeContext,
  StepRegistry,
  stepSuccess,
} from '../packages/core/dist/index.js';

const TARGET_STEPS_PER_SECOND = 200_000;
const STEPS_PER_RUN = 10_000;
const RUNS = 30;

class NoopStep extends BaseStep {
  constructor(name) {
    super();
    this.name = name;
    this.progressWeight = 1;
  }
  execute() {
    return stepSuccess();
  }
}

class AsyncNoopStep extends NoopStep {
  async execute() {
    return stepSuccess();
  }
}

function buildRegistry(StepClass) {
  const registry = new StepRegistry();
  for (let i = 0; i < STEPS_PER_RUN; i++) registry.register(new StepClass(`step-${i}`));
  return registry;
}

async function runOnce(registry) {
  const runtime = RuntimeContext.create();
  runtime.events.on('step:end', () => undefined);
  const context = new BaseStepContext(runtime);
  await new Orchestrator(registry, context, { onProgress: () => undefined }).execute();
}

async function measure(label, registry) {
  for (let i = 0; i < 3; i++) await runOnce(registry); // warm-up
  const rates = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await runOnce(registry);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(STEPS_PER_RUN / seconds);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)];
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(
    `orchestrator, ${label}: median ${fmt(median)} steps/s (min ${fmt(rates[0])}, max ${fmt(rates.at(-1))}; ` +
      `${RUNS} runs of ${STEPS_PER_RUN} steps)`,
  );
  return median;
}

const medians = [
  await measure('sync no-op steps', buildRegistry(NoopStep)),
  await measure('async no-op steps', buildRegistry(AsyncNoopStep)),
];
console.log(`heap used: ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(1)} MiB`);
if (Math.min(...medians) < TARGET_STEPS_PER_SECOND) {
  console.log(
    `FAIL: below the target of ${TARGET_STEPS_PER_SECOND.toLocaleString('en-US')} steps/s`,
  );
  process.exitCode = 1;
} else {
  console.log(`ok: above the target of ${TARGET_STEPS_PER_SECOND.toLocaleString('en-US')} steps/s`);
}
