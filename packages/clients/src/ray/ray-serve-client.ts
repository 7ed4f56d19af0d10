import type { ClientCommonOptions, Env } from '../http/client-options.js';
import { RequestValidationError } from '../http/errors.js';
import type { FileBody, HttpClient } from '../http/http-client.js';
import type { RayDashboardClientOptions } from './dashboard-http.js';
import { createDashboardHttp, dashboardOptionsFromEnv } from './dashboard-http.js';
import type { ServeDeployConfig } from './deploy-schema.js';
import type { ApplicationDetails, RayVersion, ServeInstanceDetails } from './details-schema.js';
import { AuthModeSchema, RayVersionSchema, ServeInstanceDetailsSchema } from './details-schema.js';
import { hasPackage, uploadPackage } from './package-store.js';
import type { PollOptions } from './poll.js';
import type { WaitForApplicationOptions } from './wait-for-application.js';
import { waitForApplication, waitForApplicationRemoved } from './wait-for-application.js';

const APPLICATIONS_PATH = '/api/serve/applications/';

/** Options of {@link RayServeClient}. */
export type RayServeClientOptions = RayDashboardClientOptions;

/** Options of {@link RayServeClient.putApplications}. */
export interface PutApplicationsOptions {
  /**
   * `false` sends the body without the strict client-side check (Ray still validates it), for
   * bodies that carry other writers' `deployed_app_config` verbatim, which may hold keys this
   * schema does not know. @default true
   */
  validate?: boolean | undefined;
  /**
   * `false` makes exactly one attempt. A read-merge-PUT writer wants this: a body built from an
   * earlier read must not be re-sent blindly after a failure, but re-read and rebuilt.
   * @default true
   */
  retry?: boolean | undefined;
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
  private prefetchedVersion: Promise<RayVersion> | undefined;

  public constructor(options: RayServeClientOptions) {
    this.logger = options.logger;
    this.http = createDashboardHttp(options).http;
  }

  /**
   * A client for `RAY_DASHBOARD_ADDRESS` (default {@link DEFAULT_RAY_DASHBOARD_ADDRESS}) with
   * `RAY_AUTH_TOKEN` when set.
   */
  public static fromEnv(env: Env, options: ClientCommonOptions = {}): RayServeClient {
    return new RayServeClient(dashboardOptionsFromEnv(env, options));
  }

  /** The dashboard's base URL, without credentials. */
  public get address(): string {
    return this.http.displayBaseUrl;
  }

  /**
   * `GET /api/version`: the Jobs API version and `ray_version` (compare the latter). After
   * {@link prefetchVersion}, the first call returns the answer (or failure) of that request.
   */
  public getVersion(signal?: AbortSignal): Promise<RayVersion> {
    const prefetched = this.prefetchedVersion;
    if (prefetched) {
      this.prefetchedVersion = undefined;
      return prefetched;
    }
    return this.requestVersion(signal);
  }

  /**
   * Sends `GET /api/version` now and keeps its answer for the next {@link getVersion} call, which
   * then sends nothing: for a program that knows its first call early but has work to do before
   * it can make it (the CLI loads the plugin's code meanwhile). A failure is kept too, for that
   * call to throw.
   */
  public prefetchVersion(signal?: AbortSignal): void {
    const answer = this.requestVersion(signal);
    // Handled by the getVersion call that takes it; never an unhandled rejection meanwhile.
    void answer.catch(() => undefined);
    this.prefetchedVersion = answer;
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
      // The deploy schema is large and only a deploy needs it: `serve status` never loads it.
      const { serveDeployConfigIssues, ServeDeploySchema } = await import('./deploy-schema.js');
      const parsed = ServeDeploySchema.safeParse(config);
      if (!parsed.success) {
        throw RequestValidationError.beforeSend(
          this.http.callTo('PUT', APPLICATIONS_PATH),
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
      retry: options.retry,
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
  public hasPackage(uri: string, signal?: AbortSignal): Promise<boolean> {
    return hasPackage(this.http, uri, signal);
  }

  /**
   * `PUT /api/packages/gcs/<name>`: stores the zip of a working_dir under `uri`, from memory or
   * streamed from a file.
   * @throws RequestValidationError before sending when the zip exceeds the dashboard's 100 MiB cap.
   */
  public uploadPackage(
    uri: string,
    zip: Uint8Array | FileBody,
    signal?: AbortSignal,
  ): Promise<void> {
    return uploadPackage(this.http, uri, zip, signal);
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
      clock: options.clock ?? this.http.clock,
      logger: options.logger ?? this.logger,
    });
  }

  /**
   * Polls until application `name` no longer appears.
   * @throws DeployTimeoutError (DEPLOY_TIMEOUT), CancelledError.
   */
  public waitForApplicationRemoved(name: string, options: PollOptions): Promise<void> {
    return waitForApplicationRemoved(this.pollApplications, name, {
      ...options,
      clock: options.clock ?? this.http.clock,
    });
  }

  private requestVersion(signal: AbortSignal | undefined): Promise<RayVersion> {
    return this.http.requestJson({ method: 'GET', path: '/api/version', signal }, RayVersionSchema);
  }

  private readonly pollApplications = (signal: AbortSignal): Promise<ServeInstanceDetails> =>
    this.http.requestJson(
      { method: 'GET', path: APPLICATIONS_PATH, signal, retry: false },
      ServeInstanceDetailsSchema,
    );
}
