// Starts a single-node Ray head on loopback for the lane, and stops exactly that head.
//
// Every port Ray opens is chosen here and free, the head gets a temp dir of its own, and it runs
// in a session of its own so that stopping it cannot touch another head on the machine. Serve is
// started right away with its HTTP proxy pinned to 127.0.0.1 and a free port (Serve would take
// 0.0.0.0:8000 on the first deploy otherwise, and keeps that until it is shut down).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';

import { freePortRange, freePorts } from './free-ports.mjs';
import { LaneSetupError } from './lane-setup-error.mjs';
import { commandLine, isAlive, sessionPids, stopSession } from './process-session.mjs';
import { lastLine } from './provision.mjs';

const HOST = '127.0.0.1';
const WORKER_PORTS = 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One HTTP request over node:http (Node's fetch sends Sec-Fetch-Mode, which the dashboard
 * treats as a browser and refuses on PUT).
 * @returns {Promise<{ status: number, text: string }>}
 */
export function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      url,
      {
        method,
        agent: false,
        timeout: 10_000,
        headers: {
          ...headers,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': payload.length }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function waitUntil(what, timeoutMs, signal, check) {
  const end = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < end) {
    if (signal?.aborted) throw new LaneSetupError(`interrupted while waiting for ${what}`);
    try {
      const problem = await check();
      if (problem === undefined) return;
      last = problem;
    } catch (error) {
      last = error.message;
    }
    await sleep(250);
  }
  throw new LaneSetupError(`${what} did not happen within ${timeoutMs / 1000} s (last: ${last})`);
}

/** Records of the heads this lane started, so that a run that was killed is cleaned up later. */
function recordsDir(stateDir) {
  return join(stateDir, 'heads');
}

/**
 * Stops heads left by lane runs that died without stopping them (SIGKILL, a crash): their
 * driver is gone, their session may still run.
 */
export async function reapOrphanHeads(stateDir, log) {
  let files = [];
  try {
    files = readdirSync(recordsDir(stateDir)).filter((f) => f.endsWith('.json'));
  } catch {
    return;
  }
  for (const file of files) {
    const path = join(recordsDir(stateDir), file);
    let record;
    try {
      record = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      await rm(path, { force: true });
      continue;
    }
    if (isAlive(record.driverPid)) continue;
    // Only a session that still runs this head's processes is ours to stop.
    const ours = sessionPids(record.sid).some((pid) => commandLine(pid).includes(record.tempDir));
    if (ours) {
      log(`stopping a Ray head left by an interrupted lane run (temp dir ${record.tempDir})`);
      await stopSession(record.sid);
    }
    await rm(record.tempDir, { recursive: true, force: true });
    await rm(path, { force: true });
  }
}

/**
 * @typedef {object} RayHead
 * @property {string} dashboardUrl e.g. http://127.0.0.1:41234
 * @property {string} serveUrl the Serve proxy, e.g. http://127.0.0.1:41235
 * @property {string} gcsAddress 127.0.0.1:<port>, for `ray.init(address=…)`
 * @property {string} tempDir the head's --temp-dir (logs under session_latest/logs)
 * @property {string[]} startCommand the `ray start` argv, for the README and for debugging
 * @property {() => Promise<void>} stop stops this head and removes its temp dir
 */

/**
 * Starts a head with token auth (`RAY_AUTH_MODE=token`) and Serve running.
 * @param {{ ray: string, stateDir: string, token: string, log: (line: string) => void, signal?: AbortSignal }} options
 *   `signal` aborts the start (the half-started head is stopped)
 * @returns {Promise<RayHead>}
 */
export async function startRayHead({ ray, stateDir, token, log, signal }) {
  await mkdir(recordsDir(stateDir), { recursive: true });
  await reapOrphanHeads(stateDir, log);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ray, stateDir, token, signal });
    } catch (error) {
      // Another head on the machine may have taken a port between our check and Ray's bind.
      if (attempt >= 2 || !error.portClash) throw error;
      log(`ray start could not bind a port (${error.message}); retrying with other ports`);
    }
  }
}

async function startOnce({ ray, stateDir, token, signal }) {
  const ports = await freePorts(11);
  const [
    gcs,
    dashboard,
    client,
    agentHttp,
    agentGrpc,
    metrics,
    runtimeEnv,
    nodeManager,
    objectManager,
    serve,
    grpc,
  ] = ports;
  const workers = await freePortRange(WORKER_PORTS, ports);
  // Ray's Unix socket paths live under the temp dir and are length-limited: keep it short.
  const tempDir = mkdtempSync('/tmp/srl-');
  const args = [
    'start',
    '--head',
    `--node-ip-address=${HOST}`,
    `--port=${gcs}`,
    '--include-dashboard=true',
    `--dashboard-host=${HOST}`,
    `--dashboard-port=${dashboard}`,
    `--ray-client-server-port=${client}`,
    `--dashboard-agent-listen-port=${agentHttp}`,
    `--dashboard-agent-grpc-port=${agentGrpc}`,
    `--metrics-export-port=${metrics}`,
    `--runtime-env-agent-port=${runtimeEnv}`,
    `--node-manager-port=${nodeManager}`,
    `--object-manager-port=${objectManager}`,
    `--min-worker-port=${workers.min}`,
    `--max-worker-port=${workers.max}`,
    '--num-cpus=2',
    '--object-store-memory=200000000',
    '--include-log-monitor=false',
    '--disable-usage-stats',
    `--temp-dir=${tempDir}`,
  ];
  const env = {
    ...process.env,
    // Without it Ray binds the machine's routable address on Linux, --node-ip-address or not.
    RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER: '0',
    RAY_USAGE_STATS_ENABLED: '0',
    RAY_enable_metrics_collection: 'false',
    // The dashboard gives each of its module subprocesses 30 s, and itself 60 s, to come up; on
    // a busy 2-core machine MetricsHead took longer and `ray start` failed.
    RAY_DASHBOARD_SUBPROCESS_MODULE_WAIT_READY_TIMEOUT: '180',
    RAY_DASHBOARD_STARTUP_TIMEOUT_S: '240',
    RAY_AUTH_MODE: 'token',
    RAY_AUTH_TOKEN: token,
  };
  const logFile = join(stateDir, 'ray-start.log');
  const out = openSync(logFile, 'w');
  // detached: the head gets a session of its own (setsid), which is how it is stopped.
  const child = spawn(ray, args, { detached: true, env, stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  const sid = child.pid;
  const recordFile = join(recordsDir(stateDir), `${sid}.json`);
  await writeFile(recordFile, JSON.stringify({ driverPid: process.pid, sid, tempDir }));
  const stop = async () => {
    await stopSession(sid);
    await rm(tempDir, { recursive: true, force: true });
    await rm(recordFile, { force: true });
  };

  try {
    const code = await exited;
    if (code !== 0) {
      const text = readFileSync(logFile, 'utf8');
      const error = new LaneSetupError(
        `ray start failed (exit ${code}: ${lastLine(text)}); the full log is ${logFile}`,
      );
      error.portClash =
        /address already in use|port .* (is )?(already )?in use|failed to bind/i.test(text);
      throw error;
    }
    const dashboardUrl = `http://${HOST}:${dashboard}`;
    const serveUrl = `http://${HOST}:${serve}`;
    const auth = { authorization: `Bearer ${token}` };
    await waitUntil('the Ray dashboard answering /api/version', 120_000, signal, async () => {
      const res = await httpRequest(`${dashboardUrl}/api/version`, { headers: auth });
      return res.status === 200 ? undefined : `${res.status} ${res.text.slice(0, 200)}`;
    });
    await waitUntil('Serve starting with its proxy on 127.0.0.1', 120_000, signal, async () => {
      const res = await httpRequest(`${dashboardUrl}/api/serve/applications/`, {
        method: 'PUT',
        headers: auth,
        body: {
          applications: [],
          http_options: { host: HOST, port: serve },
          grpc_options: { port: grpc },
        },
      });
      return res.status === 200 ? undefined : `${res.status} ${res.text.slice(0, 200)}`;
    });
    // Without applications the proxy answers /-/healthz with 503 "Route table is not populated
    // yet", so its readiness is read from Serve's own view of it.
    await waitUntil(
      `the Serve proxy on ${serveUrl} becoming HEALTHY`,
      120_000,
      signal,
      async () => {
        const res = await httpRequest(`${dashboardUrl}/api/serve/applications/`, { headers: auth });
        if (res.status !== 200) return `${res.status} ${res.text.slice(0, 200)}`;
        const proxies = Object.values(JSON.parse(res.text).proxies ?? {});
        const statuses = proxies.map((p) => p.status);
        return statuses.length > 0 && statuses.every((s) => s === 'HEALTHY')
          ? undefined
          : `proxies ${JSON.stringify(statuses)}`;
      },
    );
    return {
      dashboardUrl,
      serveUrl,
      gcsAddress: `${HOST}:${gcs}`,
      tempDir,
      startCommand: [ray, ...args],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
