import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { z } from 'zod';

import { header, parseJson, readBody, requestUrl, sendJson } from '../http/http-util.js';
import { canonicalJson, sha256Hex } from '../ray/canonical-json.js';
import type { DevServerRuntime } from '../runtime.js';
import type { JobRecord } from './backend-store.js';
import { drfErrors } from './drf-errors.js';

/** `ServeApplicationCreateRequest` of the Python SDK (extra keys forbidden). */
const serveApplicationCreate = z.strictObject({
  name: z.string().min(1),
  plugin_release: z.int(),
  action: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
  num_replicas: z.int().min(1).optional(),
});

/** `UpdateJobRequest` of the Python SDK (extra keys forbidden). */
const updateJob = z.strictObject({
  status: z.enum(['pending', 'running', 'stopped', 'succeeded', 'failed']).optional(),
  progress_record: z.unknown().optional(),
  metrics_record: z.unknown().optional(),
  console_logs: z.unknown().optional(),
  result: z.unknown().optional(),
});

const logEntry = z.record(z.string(), z.unknown());

const DEFAULT_PAGE_SIZE = 10;
const MAX_BODY = 16 * 1024 * 1024;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The simulated Synapse backend (Django REST framework conventions): serve application
 * records with idempotency keys and pagination, job updates and log entries.
 */
export class BackendHandler {
  public constructor(private readonly rt: DevServerRuntime) {}

  /** Handles one request on the backend port. */
  public async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = this.rt.settings.backendToken;
    if (token !== undefined) {
      const given = header(req, 'synapse-access-token');
      if (given === undefined)
        return sendJson(res, 401, { detail: 'Authentication credentials were not provided.' });
      if (!sameSecret(given, `Token ${token}`))
        return sendJson(res, 403, { detail: 'Invalid token.' });
    }
    const url = requestUrl(req);
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();

    if (path === '/serve_applications/') {
      if (method === 'POST') return this.createServeApplication(req, res);
      if (method === 'GET') return this.listServeApplications(req, res, url);
      return this.notAllowed(res, method, 'GET, POST');
    }
    const appMatch = /^\/serve_applications\/(\d+)\/$/.exec(path);
    if (appMatch !== null) {
      if (method !== 'GET') return this.notAllowed(res, method, 'GET');
      const record = this.rt.backend.serveApplications.find((a) => a.id === Number(appMatch[1]));
      return record === undefined
        ? sendJson(res, 404, { detail: 'Not found.' })
        : sendJson(res, 200, record);
    }
    const jobMatch = /^\/jobs\/([^/]+)\/$/.exec(path);
    if (jobMatch !== null) {
      const id = decodeURIComponent(jobMatch[1] ?? '');
      if (method === 'PATCH') return this.updateJob(req, res, id);
      if (method === 'GET') {
        const job = this.rt.backend.jobs.get(id);
        return job === undefined
          ? sendJson(res, 404, { detail: 'Not found.' })
          : sendJson(res, 200, job);
      }
      return this.notAllowed(res, method, 'GET, PATCH');
    }
    if (path === '/logs/') {
      if (method === 'POST') return this.createLogs(req, res);
      return this.notAllowed(res, method, 'POST');
    }
    return sendJson(res, 404, { detail: 'Not found.' });
  }

  private notAllowed(res: ServerResponse, method: string, allow: string): void {
    sendJson(res, 405, { detail: `Method "${method}" not allowed.` }, { Allow: allow });
  }

  private async readJson(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ ok: true; value: unknown } | { ok: false }> {
    const body = await readBody(req, MAX_BODY);
    if (!body.ok) {
      sendJson(res, 413, { detail: 'Request body too large.' });
      return { ok: false };
    }
    const parsed = parseJson(body.bytes);
    if (!parsed.ok) {
      sendJson(res, 400, { detail: `JSON parse error - ${parsed.error.message}` });
      return { ok: false };
    }
    return parsed;
  }

  private async createServeApplication(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.readJson(req, res);
    if (!body.ok) return;
    const parsed = serveApplicationCreate.safeParse(body.value, { reportInput: true });
    if (!parsed.success) return sendJson(res, 400, drfErrors(parsed.error));
    const key = this.rt.settings.honourIdempotencyKeys ? header(req, 'idempotency-key') : undefined;
    const bodyHash = sha256Hex(canonicalJson(parsed.data));
    if (key !== undefined) {
      const seen = this.rt.backend.idempotencyKeys.get(key);
      if (seen !== undefined) {
        if (seen.bodyHash !== bodyHash) {
          return sendJson(res, 409, {
            detail: 'This Idempotency-Key was already used with a different request body.',
          });
        }
        const record = this.rt.backend.serveApplications.find((a) => a.id === seen.id);
        if (record !== undefined) return sendJson(res, 200, record);
      }
    }
    const record = this.rt.backend.addServeApplication({
      name: parsed.data.name,
      plugin_release: parsed.data.plugin_release,
      action: parsed.data.action,
      params: parsed.data.params ?? {},
      num_replicas: parsed.data.num_replicas ?? 1,
      created: new Date(this.rt.clock.now()).toISOString(),
    });
    if (key !== undefined) this.rt.backend.idempotencyKeys.set(key, { id: record.id, bodyHash });
    this.rt.logger.info('backend serve application created', { id: record.id, name: record.name });
    this.rt.persist();
    sendJson(res, 201, record);
  }

  private listServeApplications(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const name = url.searchParams.get('name');
    const all = this.rt.backend.serveApplications.filter((a) => name === null || a.name === name);
    const pageSize = Number(url.searchParams.get('page_size') ?? DEFAULT_PAGE_SIZE);
    const page = Number(url.searchParams.get('page') ?? 1);
    if (!Number.isInteger(pageSize) || pageSize < 1 || !Number.isInteger(page) || page < 1) {
      return sendJson(res, 404, { detail: 'Invalid page.' });
    }
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    if (page > pages) return sendJson(res, 404, { detail: 'Invalid page.' });
    const base = new URL(url.pathname + url.search, `http://${header(req, 'host') ?? '127.0.0.1'}`);
    const link = (p: number): string | null => {
      if (p < 1 || p > pages) return null;
      const u = new URL(base);
      if (p === 1) u.searchParams.delete('page');
      else u.searchParams.set('page', String(p));
      return u.toString();
    };
    sendJson(res, 200, {
      count: all.length,
      next: link(page + 1),
      previous: link(page - 1),
      results: all.slice((page - 1) * pageSize, page * pageSize),
    });
  }

  private async updateJob(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const body = await this.readJson(req, res);
    if (!body.ok) return;
    const parsed = updateJob.safeParse(body.value, { reportInput: true });
    if (!parsed.success) return sendJson(res, 400, drfErrors(parsed.error));
    const now = new Date(this.rt.clock.now()).toISOString();
    const job: JobRecord = {
      ...(this.rt.backend.jobs.get(id) ?? { id }),
      ...(parsed.data as Partial<JobRecord>),
      id,
      updated: now,
    };
    this.rt.backend.jobs.set(id, job);
    this.rt.backend.jobPatches.push({
      jobId: id,
      body: body.value as Record<string, unknown>,
      at: now,
    });
    this.rt.persist();
    sendJson(res, 200, job);
  }

  private async createLogs(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.readJson(req, res);
    if (!body.ok) return;
    const many = Array.isArray(body.value);
    const parsed = (many ? z.array(logEntry).min(1) : logEntry).safeParse(body.value, {
      reportInput: true,
    });
    if (!parsed.success) {
      if (many) return sendJson(res, 400, drfErrors(parsed.error));
      return sendJson(res, 400, {
        non_field_errors: [
          `Invalid data. Expected a dictionary, but got ${Array.isArray(body.value) ? 'list' : typeof body.value}.`,
        ],
      });
    }
    const received = new Date(this.rt.clock.now()).toISOString();
    const entries = (many ? parsed.data : [parsed.data]) as Record<string, unknown>[];
    const created = entries.map((e) => this.rt.backend.addLog(e, received));
    this.rt.persist();
    sendJson(
      res,
      201,
      many
        ? created.map((c) => ({ id: c.id, ...c.entry }))
        : { id: created[0]?.id, ...created[0]?.entry },
    );
  }
}
