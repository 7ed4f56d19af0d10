import { registerSecret } from '@synapse-sdk/core';

import { envValue, resolveBaseUrl } from '../http/client-options.js';
import type { ClientCommonOptions, Env } from '../http/client-options.js';
import { RequestValidationError } from '../http/errors.js';
import { HttpClient } from '../http/http-client.js';
import type { FileBody } from '../http/http-client.js';
import { RAY_DASHBOARD_SERVICE } from '../http/service.js';
import type { ServiceName } from '../http/service.js';
import { RAY_DASHBOARD_TIMEOUTS } from '../http/timeouts.js';
import { displayUrl, joinUrl } from '../http/url.js';
import { ServeDeploySchema, serveDeployConfigIssues } from './deploy-schema.js';
import type { ServeDeployConfig } from './deploy-schema.js';
import { AuthModeSchema, RayVersionSchema, ServeInstanceDetailsSchema } from './details-schema.js';
import type { ApplicationDetails, RayVersion, ServeInstanceDetails } from './details-schema.js';
import { MAX_PACKAGE_BYTES, packageUriToPath } from './package-uri.js';
import { waitForApplication, waitForApplicationRemoved } from './wait-for-application.js';
import type { PollOptions, WaitForApplicationOptions } from './wait-for-application.js';

/** Address of the dashboard when `RAY_DASHBOARD_ADDRESS` is not set. */
export const DEFAULT_RAY_DASHBOARD_ADDRESS = 'http://localhost:8265';

const APPLICATIONS_PATH = '/api/serve/applications/';

/** Options of {@link RayServeClient}. */
export interface RayServeClientOptions extends ClientCommonOptions {
  /** Dashboard address, e.g. `http://localhost:8265` (a bare `host:port` gets `http://`). */
  address: string;
  /**
   * Ray auth token (`RAY_AUTH_MODE=token`); sent as `Authorization: Bearer <token>`, or as
   * `X-Ray-Authorization: Bearer <token>` when the address carries a proxy's `user:password@`.
   */
  token?: string | undefined;
}

/** Options of {@link RayServeClient.putApplications}. */
export interface PutApplicationsOptions {
  /**
   * `false` sends the body without the strict client-side check (Ray still validates it), for
   * bodies that carry other writers' `deployed_app_config` verbatim, which may hold keys this
   * schema does not know. @default true
   */
  validate?: boolean;
  /**
   * `false` makes exactly one attempt. A read-merge-PUT writer wants this: a body built from an
   * earlier read must not be re-sent blindly after a failure, but re-read and rebuilt.
   * @default true
   */
  retry?: boolean;
}

/**
 * Client of the Ray dashboard's REST API: version and health probes, the declarative Serve
 * applications endpoint, the package store, and waits on application status.
 *
 * @example
 * ```ts
 * const ray = RayServeClient.fromEnv(process.env);
 * const before = (await ray.getApplications()).applications['my-app']?.last_deployed_time_s;
 * await ray.putApplications(config);
 * await ray.waitForApplication('my-app', { timeoutMs: 600_000, sinceDeployedTime: before });
 * ```
 */
export class RayServeClient {
  private readonly http: HttpClient;
  private readonly logger: ClientCommonOptions['logger'];

  public constructor(options: RayServeClientOptions) {
    registerSecret(options.token);
    this.logger = options.logger;
    const baseUrl = resolveBaseUrl(RAY_DASHBOARD_SERVICE, options.address);
    // Credentials in the address are a proxy's basic auth and take `Authorization`; Ray reads
    // its token from `X-Ray-Authorization` in that case.
    const tokenHeader = baseUrl.username ? 'x-ray-authorization' : 'authorization';
    this.http = new HttpClient({
      service: RAY_DASHBOARD_SERVICE,
      baseUrl,
      headers: options.token ? { [tokenHeader]: `Bearer ${options.token}` } : {},
      timeouts: { ...RAY_DASHBOARD_TIMEOUTS, ...options.timeouts },
      retry: options.retry,
      logger: options.logger,
      onRetry: options.onRetry,
    });
  }

  /**
   * A client for `RAY_DASHBOARD_ADDRESS` (default {@link DEFAULT_RAY_DASHBOARD_ADDRESS}) with
   * `RAY_AUTH_TOKEN` when set.
   */
  public static fromEnv(env: Env, options: ClientCommonOptions = {}): RayServeClient {
    return new RayServeClient({
      ...options,
      address: envValue(env, 'RAY_DASHBOARD_ADDRESS') ?? DEFAULT_RAY_DASHBOARD_ADDRESS,
      token: envValue(env, 'RAY_AUTH_TOKEN'),
    });
  }

  /** The dashboard's base URL, without credentials. */
  public get address(): string {
    return this.http.displayBaseUrl;
  }

  /** `GET /api/version`: the Jobs API version and `ray_version` (compare the latter). */
  public getVersion(signal?: AbortSignal): Promise<RayVersion> {
    return this.http.requestJson({ method: 'GET', path: '/api/version', signal }, RayVersionSchema);
  }

  /** `GET /api/authentication_mode`: `disabled`, `token`, or a newer mode. */
  public async getAuthMode(signal?: AbortSignal): Promise<string> {
    const body = await this.http.requestJson(
      { method: 'GET', path: '/api/authentication_mode', signal },
      AuthModeSchema,
    );
    return body.authentication_mode;
  }

  /**
   * `GET /api/gcs_healthz`: true when the cluster's GCS is healthy, false when the dashboard
   * answers 503. Connection failures still throw ClientConnectionError (after retries).
   */
  public async checkHealth(signal?: AbortSignal): Promise<boolean> {
    const response = await this.http.request({
      method: 'GET',
      path: '/api/gcs_healthz',
      signal,
      acceptStatuses: [503],
    });
    return response.status === 200;
  }

  /** `GET /api/serve/applications/`: every application with its status and deployments. */
  public getApplications(signal?: AbortSignal): Promise<ServeInstanceDetails> {
    return this.http.requestJson(
      { method: 'GET', path: APPLICATIONS_PATH, signal },
      ServeInstanceDetailsSchema,
    );
  }

  /** One application from {@link getApplications}, or undefined when Ray does not list it. */
  public async getApplication(
    name: string,
    signal?: AbortSignal,
  ): Promise<ApplicationDetails | undefined> {
    return (await this.getApplications(signal)).applications[name];
  }

  /**
   * `PUT /api/serve/applications/`: replaces the whole set of declarative applications with
   * `config`. The config is checked against the strict deploy schema first; nothing is sent
   * when it is invalid. A 200 means "accepted": wait with {@link waitForApplication}.
   * @throws RequestValidationError (HTTP_VALIDATION) before sending, naming each invalid field,
   *   or when Ray answers 400.
   */
  public async putApplications(
    config: ServeDeployConfig,
    signal?: AbortSignal,
    options: PutApplicationsOptions = {},
  ): Promise<void> {
    let body: unknown = config;
    if (options.validate !== false) {
      const parsed = ServeDeploySchema.safeParse(config);
      if (!parsed.success) {
        throw RequestValidationError.beforeSend(
          this.target('PUT', APPLICATIONS_PATH),
          'Serve deploy config',
          serveDeployConfigIssues(config),
        );
      }
      body = parsed.data;
    }
    await this.http.request({
      method: 'PUT',
      path: APPLICATIONS_PATH,
      json: body,
      signal,
      ...(options.retry === false ? { retry: false } : {}),
    });
  }

  /** `DELETE /api/serve/applications/`: shuts Serve down, removing every application. */
  public async deleteAllApplications(signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: APPLICATIONS_PATH, signal });
  }

  /**
   * `GET /api/packages/gcs/<name>`: whether the package store holds `uri`
   * (`gcs://_ray_pkg_<hash>.zip`). Ray pins an existing package for about 10 minutes.
   */
  public async hasPackage(uri: string, signal?: AbortSignal): Promise<boolean> {
    const response = await this.http.request({
      method: 'GET',
      path: packageUriToPath(uri),
      signal,
      acceptStatuses: [404],
    });
    return response.status !== 404;
  }

  /**
   * `PUT /api/packages/gcs/<name>`: stores the zip of a working_dir under `uri`, from memory or
   * streamed from a file.
   * @throws RequestValidationError before sending when the zip exceeds the dashboard's 100 MiB cap.
   */
  public async uploadPackage(
    uri: string,
    zip: Uint8Array | FileBody,
    signal?: AbortSignal,
  ): Promise<void> {
    const path = packageUriToPath(uri);
    if (zip.byteLength > MAX_PACKAGE_BYTES) {
      throw RequestValidationError.beforeSend(this.target('PUT', path), 'package', [
        {
          path: uri,
          message: `the zip is ${(zip.byteLength / 1024 / 1024).toFixed(1)} MiB; the dashboard accepts at most 100 MiB (exclude large files, .git and virtualenvs)`,
        },
      ]);
    }
    await this.http.request({
      method: 'PUT',
      path,
      body: zip,
      contentType: 'application/zip',
      signal,
    });
  }

  /**
   * Polls until application `name` is RUNNING after a deploy (see
   * {@link WaitForApplicationOptions}), returning its details.
   * @throws DeployFailedError (DEPLOY_FAILED), DeployTimeoutError (DEPLOY_TIMEOUT), CancelledError.
   */
  public waitForApplication(
    name: string,
    options: WaitForApplicationOptions,
  ): Promise<ApplicationDetails> {
    return waitForApplication(this.pollApplications, name, {
      ...options,
      logger: options.logger ?? this.logger,
    });
  }

  /**
   * Polls until application `name` no longer appears.
   * @throws DeployTimeoutError (DEPLOY_TIMEOUT), CancelledError.
   */
  public waitForApplicationRemoved(name: string, options: PollOptions): Promise<void> {
    return waitForApplicationRemoved(this.pollApplications, name, options);
  }

  private readonly pollApplications = (signal: AbortSignal): Promise<ServeInstanceDetails> =>
    this.http.requestJson(
      { method: 'GET', path: APPLICATIONS_PATH, signal, retry: false },
      ServeInstanceDetailsSchema,
    );

  private target(
    method: string,
    path: string,
  ): { service: ServiceName; method: string; url: string } {
    return {
      service: RAY_DASHBOARD_SERVICE.name,
      method,
      url: displayUrl(joinUrl(this.http.baseUrl, path)),
    };
  }
}
