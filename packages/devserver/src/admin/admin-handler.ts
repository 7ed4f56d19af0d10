import type { IncomingMessage, ServerResponse } from 'node:http';

import { z } from 'zod';

import type { DevServerControl } from '../control.js';
import { parseJson, readBody, requestUrl, sendJson } from '../http/http-util.js';
import { handleJobsAdmin } from '../jobs/jobs-admin.js';
import type { DevServerRuntime } from '../runtime.js';
import type { TriggerSpec } from '../transport/triggers.js';

const faultSchema = z.strictObject({
  kind: z.enum([
    'build-error',
    'runtime-env-error',
    'replica-startup-failure',
    'insufficient-resources',
    'unhealthy',
  ]),
  app: z.string().optional(),
  importPath: z.string().optional(),
  deployment: z.string().optional(),
  error: z.string().optional(),
  recoverAfterMs: z.number().min(0).optional(),
  afterMs: z.number().min(0).optional(),
  once: z.boolean().optional(),
});
const serviceSchema = z.enum(['dashboard', 'serve', 'backend', 'agent']);
const httpFaultSchema = z.strictObject({
  service: serviceSchema.optional(),
  method: z.string().min(1).optional(),
  path: z.string().min(1).optional(),
  effect: z.enum(['error', 'slow', 'hang-up', 'lost-response']),
  status: z.int().min(100).max(599).optional(),
  body: z.string().optional(),
  delayMs: z.number().min(0).optional(),
  skip: z.int().min(0).optional(),
  times: z.int().min(0).optional(),
  forMs: z.number().min(0).optional(),
});
const triggerSchema: z.ZodType<TriggerSpec> = z.strictObject({
  after: z.union([
    z.strictObject({
      request: z.strictObject({
        service: serviceSchema.optional(),
        method: z.string().min(1).optional(),
        path: z.string().min(1).optional(),
        nth: z.int().min(1).optional(),
      }),
    }),
    z.strictObject({
      appStatus: z.strictObject({ app: z.string().min(1), status: z.string().min(1) }),
    }),
  ]),
  then: z.union([
    z.strictObject({ dashboardDown: z.strictObject({ ms: z.number().min(0) }) }),
    z.strictObject({
      restart: z.strictObject({
        keepState: z.boolean().optional(),
        downMs: z.number().min(0).optional(),
      }),
    }),
    z.strictObject({ dropApp: z.strictObject({ name: z.string().min(1) }) }),
    z.strictObject({ httpFault: httpFaultSchema }),
    z.strictObject({ fault: faultSchema }),
    z.strictObject({ foreignPut: z.unknown() }),
    z.strictObject({ trigger: z.lazy(() => triggerSchema) }),
  ]),
});
const msSchema = z.strictObject({ ms: z.number().min(0) });
const delaySchema = z.strictObject({
  ms: z.number().min(0),
  target: z.enum(['dashboard', 'serve', 'backend', 'agent', 'all']).optional(),
});
const controllerSchema = z.strictObject({ available: z.boolean() });
const gcsSchema = z.strictObject({ healthy: z.boolean(), forMs: z.number().min(0).optional() });
const dropSchema = z.strictObject({
  name: z.string().min(1),
  afterNextPut: z.boolean().optional(),
  afterMs: z.number().min(0).optional(),
});
const imperativeSchema = z.strictObject({
  name: z.string().min(1),
  importPath: z.string().optional(),
  routePrefix: z.string().nullable().optional(),
  deployments: z
    .array(z.strictObject({ name: z.string().min(1), numReplicas: z.int().min(0).optional() }))
    .optional(),
});
const restartSchema = z.strictObject({
  keepState: z.boolean().optional(),
  downMs: z.number().min(0).optional(),
});

/**
 * The admin API under `/_devserver/` on the dashboard port: JSON in, JSON out, exempt from
 * Ray's auth and browser rules, clearly not part of Ray.
 */
export class AdminHandler {
  public constructor(
    private readonly rt: DevServerRuntime,
    private readonly control: DevServerControl,
  ) {}

  /** Handles one `/_devserver/...` request. */
  public async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = requestUrl(req).pathname.slice('/_devserver'.length);
    const method = (req.method ?? 'GET').toUpperCase();
    const key = `${method} ${path}`;
    const faultId = /^\/faults\/([^/]+)$/.exec(path)?.[1];
    if (path === '/jobs' || path.startsWith('/jobs/')) {
      return handleJobsAdmin(this.control, req, res, path);
    }
    const httpFaultId = /^\/http-faults\/([^/]+)$/.exec(path)?.[1];

    if (key === 'GET /state') return sendJson(res, 200, this.state());
    if (key === 'GET /backend') return sendJson(res, 200, this.control.backend());
    if (key === 'GET /packages')
      return sendJson(res, 200, { packages: this.control.packageNames() });
    const packageName = /^\/packages\/([^/]+)$/.exec(path)?.[1];
    if (method === 'DELETE' && packageName !== undefined) {
      try {
        return this.control.dropPackage(decodeURIComponent(packageName))
          ? sendJson(res, 200, { dropped: packageName })
          : sendJson(res, 404, {
              error: `No package ${packageName}; GET /_devserver/packages lists them.`,
            });
      } catch (error) {
        return sendJson(res, 409, { error: (error as Error).message });
      }
    }
    if (key === 'GET /faults') return sendJson(res, 200, { faults: this.control.listFaults() });
    if (key === 'GET /requests') {
      const since = Number(requestUrl(req).searchParams.get('since') ?? 0);
      return sendJson(res, 200, { requests: this.control.requests(since) });
    }
    if (key === 'DELETE /requests') {
      this.control.clearRequests();
      return sendJson(res, 200, { requests: [] });
    }
    if (key === 'GET /http-faults')
      return sendJson(res, 200, { faults: this.control.listHttpFaults() });
    if (key === 'DELETE /http-faults') {
      this.control.clearHttpFaults();
      return sendJson(res, 200, { faults: [] });
    }
    if (method === 'DELETE' && httpFaultId !== undefined) {
      return this.control.removeHttpFault(httpFaultId)
        ? sendJson(res, 200, { removed: httpFaultId })
        : sendJson(res, 404, {
            error: `No transport fault with id ${httpFaultId}; GET /_devserver/http-faults lists them.`,
          });
    }
    if (key === 'GET /triggers')
      return sendJson(res, 200, { triggers: this.control.listTriggers() });
    if (key === 'DELETE /triggers') {
      this.control.clearTriggers();
      return sendJson(res, 200, { triggers: [] });
    }
    if (key === 'DELETE /faults') {
      this.control.clearFaults();
      return sendJson(res, 200, { faults: [] });
    }
    if (method === 'DELETE' && faultId !== undefined) {
      return this.control.removeFault(faultId)
        ? sendJson(res, 200, { removed: faultId })
        : sendJson(res, 404, {
            error: `No fault with id ${faultId}; GET /_devserver/faults lists them.`,
          });
    }
    if (method !== 'POST')
      return sendJson(res, 404, {
        error: `Unknown admin endpoint ${method} /_devserver${path}; see the devserver README.`,
      });

    const body = await this.body(req, res);
    if (body === undefined) return;
    switch (path) {
      case '/reset':
        await this.control.reset();
        return sendJson(res, 200, { reset: true });
      case '/faults':
        return this.with(res, faultSchema, body, (spec) => {
          if (spec.app === undefined && spec.importPath === undefined)
            return sendJson(res, 400, {
              error: 'A fault needs `app` or `importPath` to know which application to hit.',
            });
          return sendJson(res, 201, this.control.injectFault(spec));
        });
      case '/http-faults':
        return this.with(res, httpFaultSchema, body, (spec) => {
          try {
            sendJson(res, 201, this.control.injectHttpFault(spec));
          } catch (error) {
            sendJson(res, 400, { error: (error as Error).message });
          }
        });
      case '/triggers':
        return this.with(res, triggerSchema, body, (spec) => {
          if ('fault' in spec.then && !spec.then.fault.app && !spec.then.fault.importPath)
            return sendJson(res, 400, {
              error: 'A fault needs `app` or `importPath` to know which application to hit.',
            });
          sendJson(res, 201, this.control.addTrigger(spec));
        });
      case '/clock/advance':
        return this.with(res, msSchema, body, async ({ ms }) => {
          try {
            await this.control.advance(ms);
          } catch (error) {
            return sendJson(res, 409, { error: (error as Error).message });
          }
          sendJson(res, 200, { now: this.rt.clock.now() });
        });
      case '/controller':
        return this.with(res, controllerSchema, body, ({ available }) => {
          this.control.setControllerAvailable(available);
          sendJson(res, 200, { available });
        });
      case '/gcs':
        return this.with(res, gcsSchema, body, ({ healthy, forMs }) => {
          this.control.setGcsHealthy(healthy, forMs);
          sendJson(res, 200, { healthy });
        });
      case '/dashboard-down':
        return this.with(res, msSchema, body, ({ ms }) => {
          res.on('finish', () => void this.control.dashboardDown(ms));
          sendJson(res, 200, { downForMs: ms });
        });
      case '/delay':
        return this.with(res, delaySchema, body, ({ ms, target }) => {
          this.control.setDelay(ms, target ?? 'all');
          sendJson(res, 200, { ms, target: target ?? 'all' });
        });
      case '/foreign-put': {
        const result = this.control.foreignPut(body);
        return sendJson(res, result.status, result);
      }
      case '/drop-app':
        return this.with(res, dropSchema, body, ({ name, afterNextPut, afterMs }) => {
          if (afterNextPut) this.control.dropAppAfterNextPut(name, afterMs ?? 0);
          else this.control.dropApp(name);
          sendJson(res, 200, { name, scheduled: afterNextPut === true });
        });
      case '/imperative-apps':
        return this.with(res, imperativeSchema, body, (spec) => {
          this.control.seedImperativeApp(spec);
          sendJson(res, 201, this.control.application(spec.name));
        });
      case '/restart':
        return this.with(res, restartSchema, body, ({ keepState, downMs }) => {
          const session = this.control.sessionName;
          res.on(
            'finish',
            () => void this.control.restart({ keepState: keepState ?? false, downMs: downMs ?? 0 }),
          );
          sendJson(res, 200, { previousSession: session });
        });
      default:
        return sendJson(res, 404, {
          error: `Unknown admin endpoint POST /_devserver${path}; see the devserver README.`,
        });
    }
  }

  private state(): Record<string, unknown> {
    return {
      sessionName: this.control.sessionName,
      now: this.rt.clock.now(),
      rayVersion: this.rt.settings.behaviour.version,
      authMode: this.rt.settings.authToken === undefined ? 'disabled' : 'token',
      controllerAvailable: this.rt.controllerAvailable,
      gcsHealthy: this.rt.isGcsHealthy(),
      delays: this.rt.delays,
      faults: this.control.listFaults(),
      httpFaults: this.control.listHttpFaults(),
      triggers: this.control.listTriggers(),
      packages: this.control.packageNames(),
      serve: this.control.serveDetails(),
    };
  }

  private async body(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const raw = await readBody(req, 16 * 1024 * 1024);
    if (!raw.ok) {
      sendJson(res, 413, { error: 'Admin request body too large.' });
      return undefined;
    }
    if (raw.bytes.length === 0) return {};
    const parsed = parseJson(raw.bytes);
    if (!parsed.ok) {
      sendJson(res, 400, { error: `Admin request body is not JSON: ${parsed.error.message}` });
      return undefined;
    }
    return parsed.value;
  }

  private async with<T>(
    res: ServerResponse,
    schema: z.ZodType<T>,
    body: unknown,
    fn: (value: T) => void | Promise<void>,
  ): Promise<void> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
        .join('; ');
      return sendJson(res, 400, { error: `Invalid admin request body: ${issues}` });
    }
    await fn(parsed.data);
  }
}
