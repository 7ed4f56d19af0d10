// The engine's overhead: a pipeline of no-op steps with a new runtime context per run, as a
// deploy action builds one per run (RuntimeContext, BaseStepContext, Orchestrator with a
// progress callback). Events, retries, timeouts and cancellation are on, as in a real run.
// The anchor "bare loop" is the floor: awaiting each step's execute() in a plain for loop.
//
// Usage: node --expose-gc --max-semi-space-size=64 --min-semi-space-size=64 engine.js [--quick]
// -> one JSON object; times in microseconds, allocation in bytes per run.
import {
  BaseStep,
  BaseStepContext,
  Orchestrator,
  RuntimeContext,
  StepRegistry,
  stepSuccess,
} from '../../packages/core/dist/index.js';

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

function stepsOf(count) {
  return Array.from({ length: count }, (_, i) => new NoopStep(`step-${i}`));
}

function registryOf(count) {
  const registry = new StepRegistry();
  for (const step of stepsOf(count)) registry.register(step);
  return registry;
}

async function engineRun(registry) {
  const runtime = RuntimeContext.create();
  const context = new BaseStepContext(runtime);
  await new Orchestrator(registry, context, { onProgress: () => undefined }).execute();
}

async function bareLoopRun(steps) {
  const context = {};
  for (const step of steps) {
    const result = await step.execute(context);
    if (!result.success) throw new Error(`${step.name} failed`);
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median time of one run, in microseconds, over `batches` batches of `runs` runs. */
async function microsecondsPerRun(run, batches, runs) {
  for (let i = 0; i < runs; i++) await run(); // warm up: JIT and inline caches
  const samples = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e3 / runs);
  }
  return median(samples);
}

/**
 * Heap bytes one run allocates: the heap grows by exactly what is allocated as long as no
 * collection runs, which the large young generation this process starts with makes likely for
 * a batch; a batch during which the heap shrank (a collection ran) is measured again.
 */
async function bytesPerRun(run) {
  for (let i = 0; i < 200; i++) await run();
  const samples = [];
  for (let attempt = 0; attempt < 30 && samples.length < 5; attempt++) {
    globalThis.gc();
    let previous = process.memoryUsage().heapUsed;
    const first = previous;
    let collected = false;
    for (let i = 0; i < 50; i++) {
      await run();
      const now = process.memoryUsage().heapUsed;
      if (now < previous) collected = true;
      previous = now;
    }
    if (!collected) samples.push((previous - first) / 50);
  }
  if (samples.length === 0) throw new Error('a collection ran during every allocation sample');
  return median(samples);
}

const quick = process.argv.includes('--quick');
const batches = quick ? 5 : 15;
const ten = registryOf(10);
const thousand = registryOf(1000);
const tenSteps = stepsOf(10);
const thousandSteps = stepsOf(1000);

const result = {
  tenStepsUs: await microsecondsPerRun(() => engineRun(ten), batches, quick ? 300 : 1000),
  thousandStepsUs: await microsecondsPerRun(() => engineRun(thousand), batches, quick ? 5 : 20),
  bareTenStepsUs: await microsecondsPerRun(() => bareLoopRun(tenSteps), batches, 10_000),
  bareThousandStepsUs: await microsecondsPerRun(() => bareLoopRun(thousandSteps), batches, 100),
  // Minus what the measuring itself allocates (one memoryUsage() object per run).
  tenStepsBytes: Math.max(
    0,
    (await bytesPerRun(() => engineRun(ten))) - (await bytesPerRun(async () => undefined)),
  ),
};
result.perStepUs = (result.thousandStepsUs - result.tenStepsUs) / 990;
result.barePerStepUs = (result.bareThousandStepsUs - result.bareTenStepsUs) / 990;
console.log(JSON.stringify(result));
