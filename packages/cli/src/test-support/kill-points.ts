import { existsSync, readFileSync } from 'node:fs';

import type { NodeRun } from '@synapse-sdk/test-kit';
import { waitForExit } from '@synapse-sdk/test-kit';

import type { HoldingProxy, HoldPoint, ProxiedRequest } from './holding-proxy.js';
import type { RunSynapseOptions } from './run-synapse.js';
import { spawnSynapse } from './run-synapse.js';

/** Where a deploy is killed: which request of the run is held (on the dashboard or the backend). */
export interface KillPoint {
  name: string;
  via: 'ray' | 'backend';
  point: HoldPoint;
  /** Holds the first request this accepts; `journal` is the run's journal text at that moment. */
  matches: (
    request: ProxiedRequest,
    earlier: readonly ProxiedRequest[],
    journal: string,
  ) => boolean;
  /** Each step's status in `runs show` afterwards. */
  steps: Record<string, string>;
  /** The kinds the deploy step wrote ahead, oldest first. */
  writeAheads: string[];
  /** What `runs show` says runs now of the app, when the run sent a config. */
  running?: 'this run' | 'before the run';
  /** What `runs rollback` undoes. */
  undone: string[];
}

/** The PUT of the Serve config. */
const isServePut = (r: ProxiedRequest): boolean =>
  r.method === 'PUT' && r.url === '/api/serve/applications/';

/** Whether the journal text holds an entry of `type` for `step` (e.g. `step:start`, `register`). */
const journalHas = (journal: string, type: string, step: string): boolean =>
  journal.includes(`"type":"${type}","step":"${step}"`);

/**
 * Starts the built `synapse` with `args`, waits until `proxy` holds the request `kill` matches
 * (reading the run's journal at `journalFile` as it goes), kills it with SIGKILL and resolves
 * with how it exited.
 */
export async function killSynapseAt(
  kill: KillPoint,
  proxy: HoldingProxy,
  journalFile: string,
  args: readonly string[],
  options: RunSynapseOptions,
): Promise<NodeRun> {
  const held = proxy.hold(
    (request, earlier) =>
      kill.matches(
        request,
        earlier,
        existsSync(journalFile) ? readFileSync(journalFile, 'utf8') : '',
      ),
    kill.point,
  );
  const child = spawnSynapse(args, options);
  const exited = waitForExit(child, options.timeoutMs);
  await held;
  child.kill('SIGKILL');
  return exited;
}

/**
 * A deploy (`plugin run deployment` of the fixture: initialize, deploy, register) killed at every
 * step boundary and in the middle of the upload, the PUT and the wait for RUNNING.
 */
export const DEPLOY_KILL_POINTS: readonly KillPoint[] = [
  {
    // Its Ray request (GET /api/version) goes out before the run is journaled, while the plugin
    // loads; the backend lookup of the app is initialize's first request once the step began.
    name: 'in initialize (its lookup of the app on the backend)',
    via: 'backend',
    point: 'before',
    matches: (_r, _e, journal) => journalHas(journal, 'step:start', 'initialize'),
    steps: { initialize: 'started', deploy: 'pending', register: 'pending' },
    writeAheads: [],
    undone: [],
  },
  {
    name: 'between initialize and deploy',
    via: 'ray',
    point: 'before',
    matches: (_r, _e, journal) => journalHas(journal, 'step:start', 'deploy'),
    steps: { initialize: 'succeeded', deploy: 'started', register: 'pending' },
    writeAheads: [],
    undone: ['deploy'],
  },
  {
    name: 'in the package upload, after Ray stored it',
    via: 'ray',
    point: 'after',
    matches: (r) => r.method !== 'GET' && r.url.startsWith('/api/packages/'),
    steps: { initialize: 'succeeded', deploy: 'started', register: 'pending' },
    writeAheads: ['ray-serve/upload'],
    undone: ['deploy'],
  },
  {
    name: 'in the PUT, before Ray got it',
    via: 'ray',
    point: 'before',
    matches: isServePut,
    steps: { initialize: 'succeeded', deploy: 'started', register: 'pending' },
    writeAheads: ['ray-serve/upload', 'ray-serve/put'],
    running: 'before the run',
    undone: ['deploy'],
  },
  {
    name: 'in the PUT, after Ray applied it',
    via: 'ray',
    point: 'after',
    matches: isServePut,
    steps: { initialize: 'succeeded', deploy: 'started', register: 'pending' },
    writeAheads: ['ray-serve/upload', 'ray-serve/put'],
    running: 'this run',
    undone: ['deploy'],
  },
  {
    name: 'in the wait for RUNNING',
    via: 'ray',
    point: 'before',
    matches: (r, earlier) => r.method === 'GET' && earlier.some(isServePut),
    steps: { initialize: 'succeeded', deploy: 'started', register: 'pending' },
    writeAheads: ['ray-serve/upload', 'ray-serve/put'],
    running: 'this run',
    undone: ['deploy'],
  },
  {
    name: 'between deploy and register',
    via: 'backend',
    point: 'before',
    matches: (_r, _e, journal) => journalHas(journal, 'step:start', 'register'),
    steps: { initialize: 'succeeded', deploy: 'succeeded', register: 'started' },
    writeAheads: ['ray-serve/upload', 'ray-serve/put'],
    running: 'this run',
    undone: ['register', 'deploy'],
  },
  {
    name: 'after the last step, before the run ended',
    via: 'backend',
    point: 'before',
    matches: (_r, _e, journal) => journalHas(journal, 'step:end', 'register'),
    steps: { initialize: 'succeeded', deploy: 'succeeded', register: 'succeeded' },
    writeAheads: ['ray-serve/upload', 'ray-serve/put'],
    running: 'this run',
    undone: ['register', 'deploy'],
  },
];

/** `runs show -o json`'s steps as `{ name: status }`. */
export function stepStatuses(view: { steps: { name: string; status: string }[] }) {
  return Object.fromEntries(view.steps.map((s) => [s.name, s.status]));
}
