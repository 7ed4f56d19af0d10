import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The Ray head `pnpm test:ray` started for this run (tests/ray/lane/run-ray-lane.mjs). */
export interface RayLane {
  /** The dashboard, e.g. `http://127.0.0.1:41234` (`RAY_DASHBOARD_ADDRESS` for the SDK). */
  dashboardUrl: string;
  /** The Serve HTTP proxy, pinned to 127.0.0.1 and a free port. */
  serveUrl: string;
  /** The head runs `RAY_AUTH_MODE=token`; every dashboard request needs this token. */
  token: string;
  /** `127.0.0.1:<gcs port>`, for a Python driver's `ray.init(address=…)`. */
  gcsAddress: string;
  /** The lane virtualenv's Python, with Ray 2.58 installed. */
  python: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: real-Ray tests run through \`pnpm test:ray\`, which starts the head they use`,
    );
  }
  return value;
}

/** The head of this lane run; throws outside `pnpm test:ray`. */
export function rayLane(): RayLane {
  return {
    dashboardUrl: required('RAY_LANE_DASHBOARD_URL'),
    serveUrl: required('RAY_LANE_SERVE_URL'),
    token: required('RAY_LANE_AUTH_TOKEN'),
    gcsAddress: required('RAY_LANE_GCS_ADDRESS'),
    python: required('RAY_LANE_PYTHON'),
  };
}

/**
 * Keeps a measured figure (a duration, a count of failed requests) for the lane's summary. Figures
 * are reported, never asserted on: timings depend on the machine.
 */
export function recordFigure(name: string, value: string | number): void {
  const file = process.env['RAY_LANE_FIGURES'];
  if (!file) return;
  const figures = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  figures[name] = value;
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
}
