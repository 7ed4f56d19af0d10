import { pyStr } from '../python/py-repr.js';
import { formatTraceback, rayFrame } from '../python/traceback.js';
import { findModuleError, indexZip } from '../ray/import-sim.js';
import type { PackageStore } from '../ray/package-store.js';
import type { JobFault, JobMatch, JobOutputSpec } from './job-behaviour.js';
import { jobMatches } from './job-behaviour.js';
import type { JobPlan, JobRequest, LogLine } from './sim-job.js';

/** Durations of a simulated job, in ms of the devserver clock. */
export interface JobTimings {
  jobStartTimeMs: number;
  jobRunTimeMs: number;
  jobLineIntervalMs: number;
  jobStopTimeMs: number;
  jobStartTimeoutMs: number;
}

const PYTHON = '/home/ray/anaconda3/bin/python';
const WORKING_DIRS = '/tmp/ray/session_latest/runtime_resources/working_dir_files';

/**
 * Decides how a submitted job plays out: when it starts, what it prints, how it ends. The
 * entrypoint is not executed; what can be checked is: the working_dir must be a remote URI and,
 * for `gcs://`, an uploaded package; `python <file>.py` and `python -m <module>` must name a file
 * of that package. Injected faults and scripted output decide the rest.
 */
export function planJob(
  request: JobRequest,
  now: number,
  timings: JobTimings,
  packages: PackageStore,
  faults: readonly JobFault[],
  outputs: readonly JobOutputSpec[],
): JobPlan {
  const matches = <T extends JobMatch>(specs: readonly T[]) =>
    specs.filter((s) => jobMatches(s, request.submissionId, request.entrypoint));
  const fault = matches(faults).at(-1);
  const output = matches(outputs).at(-1);
  const startAt = now + timings.jobStartTimeMs;
  const plan: JobPlan = {
    startAt,
    lines: [],
    endAt: startAt + timings.jobRunTimeMs,
    exitCode: 0,
    startTimeoutAt: now + timings.jobStartTimeoutMs,
    stopTimeMs: timings.jobStopTimeMs,
  };

  const workingDir = request.runtimeEnv?.['working_dir'];
  if (typeof workingDir === 'string' && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(workingDir)) {
    return { ...plan, failBeforeStart: localWorkingDir(request.submissionId, workingDir, now) };
  }
  const packageName =
    typeof workingDir === 'string' && workingDir.startsWith('gcs://')
      ? workingDir.slice('gcs://'.length)
      : undefined;
  const zip = packageName === undefined ? undefined : packages.get(packageName);
  if (packageName !== undefined && zip === undefined) {
    return {
      ...plan,
      failBeforeStart: runtimeEnvError(missingPackage(workingDir as string), startAt),
    };
  }
  if (fault?.kind === 'runtime-env-error') {
    const detail =
      fault.error ?? 'RuntimeError: runtime_env setup failed (simulated by the devserver)';
    return { ...plan, failBeforeStart: runtimeEnvError(detail, startAt) };
  }
  if (fault?.kind === 'unschedulable') return { ...plan, startAt: undefined };

  const lines: LogLine[] = [
    {
      at: startAt,
      text: `${rayTimestamp(startAt)}\tINFO job_manager.py:583 -- Runtime env is setting up.`,
    },
    {
      at: startAt,
      text: `Running entrypoint for job ${request.submissionId}: ${request.entrypoint}`,
    },
  ];
  const cwd =
    packageName === undefined
      ? '/home/ray'
      : `${WORKING_DIRS}/${packageName.replace(/\.zip$/, '')}`;
  const missing =
    zip === undefined ? undefined : missingEntrypointFile(request.entrypoint, zip, cwd);
  if (missing !== undefined) {
    lines.push({ at: startAt, text: missing.line });
    return { ...plan, lines, endAt: startAt, exitCode: missing.exitCode };
  }

  const interval = output?.lineIntervalMs ?? timings.jobLineIntervalMs;
  let at = startAt;
  for (const text of output?.lines ?? []) {
    at += interval;
    lines.push({ at, text });
  }
  let exitCode = 0;
  if (fault?.kind === 'exit') {
    exitCode = fault.exitCode ?? 1;
    for (const text of (fault.error ?? 'RuntimeError: simulated failure').split('\n')) {
      at += interval;
      lines.push({ at, text });
    }
  }
  return { ...plan, lines, endAt: Math.max(startAt + timings.jobRunTimeMs, at), exitCode };
}

/** `python x.py` / `python -m x` naming a file the working_dir lacks: the line Python prints. */
function missingEntrypointFile(
  entrypoint: string,
  zip: Uint8Array,
  cwd: string,
): { line: string; exitCode: number } | undefined {
  const words = entrypoint.trim().split(/\s+/);
  if (!/^python(3(\.\d+)?)?$/.test(words[0] ?? '')) return undefined;
  const args = words.slice(1).filter((w) => w !== '-u');
  const first = args[0];
  if (first === undefined) return undefined;
  const index = indexZip(zip);
  if (first === '-m' && args[1] !== undefined) {
    const error = findModuleError(args[1], [index]);
    // Python prints this one without the quotes of the ImportError's message.
    return error === undefined
      ? undefined
      : { line: `${PYTHON}: ${error.replace(/'/g, '')}`, exitCode: 1 };
  }
  if (first.startsWith('-') || !first.endsWith('.py')) return undefined;
  const path = first.replace(/^\.\//, '');
  if (index.files.has(path)) return undefined;
  return {
    line: `${PYTHON}: can't open file ${pyStr(`${cwd}/${path}`)}: [Errno 2] No such file or directory`,
    exitCode: 2,
  };
}

function localWorkingDir(
  submissionId: string,
  workingDir: string,
  now: number,
): NonNullable<JobPlan['failBeforeStart']> {
  const reason = `${workingDir} is not a valid URI. Passing directories or modules to be dynamically uploaded is only supported at the job level (i.e., passed to \`ray.init\`).`;
  const traceback = formatTraceback(
    [
      rayFrame(
        'ray/dashboard/modules/job/job_manager.py',
        600,
        'submit_job',
        'supervisor = self._supervisor_actor_cls.options(',
      ),
      rayFrame('ray/_private/runtime_env/validation.py', 27, 'validate_uri', 'raise ValueError('),
    ],
    'ValueError',
    reason,
  );
  return {
    at: now,
    message: `Failed to start supervisor actor ${submissionId}: '${reason}'. Full traceback:\n${traceback}\n`,
    errorType: 'JOB_SUPERVISOR_ACTOR_START_FAILURE',
  };
}

function missingPackage(uri: string): string {
  return `OSError: Failed to download runtime_env file package ${uri} from the GCS to the Ray worker node. The package may have prematurely been deleted from the GCS due to a long upload time or a problem with Ray. Try setting the environment variable RAY_RUNTIME_ENV_TEMPORARY_REFERENCE_EXPIRATION_S  to a value larger than the upload time in seconds (the default is 600). If this fails, try re-running after making any change to a file in the file package.`;
}

function runtimeEnvError(detail: string, at: number): NonNullable<JobPlan['failBeforeStart']> {
  const traceback = formatTraceback(
    [
      rayFrame(
        'ray/_private/runtime_env/agent/runtime_env_agent.py',
        408,
        '_create_runtime_env_with_retry',
        'runtime_env_context = await asyncio.wait_for(',
      ),
    ],
    detail.includes(': ') ? detail.slice(0, detail.indexOf(': ')) : 'RuntimeError',
    detail.includes(': ') ? detail.slice(detail.indexOf(': ') + 2) : detail,
  );
  return {
    at,
    message: `runtime_env setup failed: Failed to set up runtime environment.\nCould not create the actor because its associated runtime env failed to be created.\n[Node 127.0.0.1] ${traceback}`,
    errorType: 'RUNTIME_ENV_SETUP_FAILURE',
  };
}

/** Python logging's `%(asctime)s`: `2026-12-01 11:08:51,101` (UTC here). */
function rayTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}
