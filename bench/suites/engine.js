// Engine overhead against the Python SDK's Orchestrator and a bare Node loop (issue 14).
import { join } from 'node:path';

import { median, runJson } from '../lib/measure.js';
import { ANCHORS_DIR, WORKLOADS_DIR } from '../lib/paths.js';
import { pythonVersion, sdkPython } from '../lib/python.js';
import { fmt, row } from '../lib/rows.js';

const NODE_FLAGS = ['--expose-gc', '--max-semi-space-size=64', '--min-semi-space-size=64'];

/** The median of every numeric field over `results`. */
function medians(results) {
  return Object.fromEntries(
    Object.keys(results[0]).map((key) => [
      key,
      typeof results[0][key] === 'number' ? median(results.map((r) => r[key])) : results[0][key],
    ]),
  );
}

export async function engineSuite({ quick, log }) {
  const repeats = quick ? 2 : 3;
  const flag = quick ? ['--quick'] : [];
  log('engine: installing the Python SDK anchor (first run only)');
  const python = sdkPython();
  log(`engine: Python SDK on ${pythonVersion(python)}, ${repeats} run(s) each`);
  // Alternating, so that a burst of load on the shared machine hits both sides.
  const pyRuns = [];
  const tsRuns = [];
  for (let i = 0; i < repeats; i++) {
    pyRuns.push(runJson(python, [join(ANCHORS_DIR, 'python_orchestrator.py'), ...flag]));
    tsRuns.push(
      runJson(process.execPath, [...NODE_FLAGS, join(WORKLOADS_DIR, 'engine.js'), ...flag]),
    );
  }
  const py = medians(pyRuns);
  const ts = medians(tsRuns);
  const group = 'Engine';
  const part = 'engine';
  return [
    row({
      group,
      workload: '10-step no-op pipeline, new runtime context per run',
      ours: fmt.us(ts.tenStepsUs),
      anchor: `Python SDK ${fmt.us(py.tenStepsUs)} · bare Node loop ${fmt.us(ts.bareTenStepsUs)}`,
      ratio: `${fmt.x(py.tenStepsUs / ts.tenStepsUs)} the Python SDK's speed`,
      value: py.tenStepsUs / ts.tenStepsUs,
      goal: ['>=', 3],
      goalText: '≥ 3× faster than the Python SDK (≤ 10 µs)',
      // A generous bound: CI only catches an engine several times slower than today's.
      ci: ['>=', 0.5],
      part,
    }),
    row({
      group,
      workload: '10-step run, heap allocated per run',
      ours: fmt.kib(ts.tenStepsBytes),
      value: ts.tenStepsBytes / 1024,
      ratio: fmt.kib(ts.tenStepsBytes),
      goal: ['<=', 8],
      goalText: '≤ 8 KiB',
      ci: ['<=', 64],
      part,
    }),
    row({
      group,
      workload: 'each further step (N = 1000)',
      ours: fmt.us(ts.perStepUs),
      anchor: `Python SDK ${fmt.us(py.perStepUs)} · bare Node loop ${fmt.us(ts.barePerStepUs)}`,
      ratio: `${fmt.x(py.perStepUs / ts.perStepUs)} the Python SDK's speed`,
      value: py.perStepUs / ts.perStepUs,
      goal: ['>=', 3],
      goalText: '≤ 0.9 µs (≈ 3× faster than the Python SDK)',
      ci: ['>=', 0.5],
      part,
    }),
  ];
}
