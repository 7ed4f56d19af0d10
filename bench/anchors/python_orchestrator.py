"""Times the Python SDK's step Orchestrator on the workloads of bench/workloads/engine.js.

The SDK is the published synapse-sdk package (bench/anchors/requirements-sdk.txt); this script
only drives it. A run builds what a deploy action builds per run — a RuntimeContext, a
BaseStepContext, an Orchestrator with a progress callback — and executes no-op steps.

Usage: python python_orchestrator.py [--quick]  -> one JSON object, times in microseconds.
"""

import json
import statistics
import sys
import time
import warnings

warnings.simplefilter("ignore")  # the SDK's pydantic models warn at import time

from synapse_sdk.loggers import NoOpLogger  # noqa: E402
from synapse_sdk.plugins.context import RuntimeContext  # noqa: E402
from synapse_sdk.plugins.context.env import PluginEnvironment  # noqa: E402
from synapse_sdk.plugins.steps import (  # noqa: E402
    BaseStep,
    BaseStepContext,
    Orchestrator,
    StepRegistry,
    StepResult,
)


class NoopStep(BaseStep):
    def __init__(self, name):
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def progress_weight(self):
        return 1.0

    @property
    def progress_proportion(self):
        return 1  # report progress at every step, as the TypeScript engine does

    def execute(self, context):
        return StepResult()


def registry_of(steps):
    registry = StepRegistry()
    for i in range(steps):
        registry.register(NoopStep(f"step-{i}"))
    return registry


def run_once(registry):
    runtime = RuntimeContext(logger=NoOpLogger(), env=PluginEnvironment({}))
    context = BaseStepContext(runtime_ctx=runtime)
    Orchestrator(registry, context, progress_callback=lambda current, total: None).execute()


def microseconds_per_run(steps, batches, runs_per_batch):
    registry = registry_of(steps)
    for _ in range(runs_per_batch):
        run_once(registry)  # warm up
    samples = []
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(runs_per_batch):
            run_once(registry)
        samples.append((time.perf_counter() - started) / runs_per_batch * 1e6)
    return statistics.median(samples)


def main():
    quick = "--quick" in sys.argv
    batches = 5 if quick else 15
    ten = microseconds_per_run(10, batches, 300 if quick else 1000)
    thousand = microseconds_per_run(1000, batches, 5 if quick else 20)
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "tenStepsUs": ten,
                "thousandStepsUs": thousand,
                "perStepUs": (thousand - ten) / 990,
            }
        )
    )


if __name__ == "__main__":
    main()
