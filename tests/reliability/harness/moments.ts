import type { RunningCli } from './cli-process.js';
import type { Scenario, ScenarioOptions } from './scenario.js';

const APPS = '/api/serve/applications/';

/**
 * A moment of a deploy at which the suite interrupts the CLI: the devserver holds one request
 * (or the build takes long), and the suite signals once that request has arrived — no guessing
 * with sleeps.
 */
export interface Moment {
  /** `during the initialize step`. */
  name: string;
  scenario?: ScenarioOptions;
  arrange(scenario: Scenario): void;
  /** Resolves once the CLI is at the moment. */
  reached(scenario: Scenario, startSeq: number): Promise<void>;
}

function held(
  name: string,
  request: { service?: 'dashboard' | 'backend'; method: string; path: string },
  scenario?: ScenarioOptions,
): Moment {
  return {
    name,
    ...(scenario === undefined ? {} : { scenario }),
    arrange: (s) =>
      void s.dev.control.injectHttpFault({ ...request, effect: 'slow', delayMs: 3_000, times: 1 }),
    reached: async (s, startSeq) => void (await s.waitForRequest(request, startSeq)),
  };
}

/** The five moments: initialize, upload, PUT in flight, the wait, the registration. */
export const MOMENTS: readonly Moment[] = [
  held('during the initialize step (GET /api/version held)', {
    method: 'GET',
    path: '/api/version',
  }),
  held('during the package upload (held)', { method: 'PUT', path: '/api/packages/*' }),
  held('while the PUT of the Serve config is in flight (held)', { method: 'PUT', path: APPS }),
  {
    name: 'during the wait for RUNNING (a 3 s build)',
    scenario: { timings: { buildTimeMs: 3_000 } },
    arrange: () => undefined,
    reached: (s, startSeq) => afterPutAnswered(s, startSeq),
  },
  held(
    'during the registration POST (held; the record is created)',
    { service: 'backend', method: 'POST', path: '/serve_applications/' },
    { register: true },
  ),
];

/** Resolves 300 ms after the run's first PUT of the Serve config was answered. */
export async function afterPutAnswered(s: Scenario, startSeq: number, nth = 1): Promise<void> {
  await s.until(
    () =>
      s.dev.control
        .requests(startSeq)
        .filter((r) => r.method === 'PUT' && r.path === APPS && r.status !== undefined).length >=
      nth,
    60_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** Sends `signal` to the CLI once it is at `moment`. */
export function signalAt(moment: Moment, signal: NodeJS.Signals) {
  return async (s: Scenario, running: RunningCli, startSeq: number): Promise<void> => {
    await moment.reached(s, startSeq);
    running.signal(signal);
  };
}
