import type { DevServerTimings } from '../options.js';
import { pyRepr } from '../python/py-repr.js';
import { formatTraceback, rayFrame } from '../python/traceback.js';
import type { AppState, DeploymentTimeline } from './app-state.js';
import { sha256Hex } from './canonical-json.js';
import type { RayBehaviour } from './ray-behaviour.js';
import type { ServeState } from './serve-state.js';

/** `ApplicationStatus` values. */
export type AppStatus =
  | 'NOT_STARTED'
  | 'DEPLOYING'
  | 'DEPLOY_FAILED'
  | 'RUNNING'
  | 'UNHEALTHY'
  | 'DELETING';
/** `DeploymentStatus` values. */
export type DeploymentStatus =
  | 'UPDATING'
  | 'HEALTHY'
  | 'UNHEALTHY'
  | 'DEPLOY_FAILED'
  | 'UPSCALING'
  | 'DOWNSCALING';

/** Identity of the simulated head node, derived from the session name. */
export interface HeadNode {
  nodeId: string;
  nodeIp: string;
  sessionName: string;
}

/** The empty `ServeInstanceDetails` Ray returns before Serve starts. */
export function emptyServeDetails(): Record<string, unknown> {
  return {
    deploy_mode: 'MULTI_APP',
    controller_info: {},
    proxies: {},
    applications: {},
    target_capacity: null,
  };
}

function actorId(seed: string): string {
  return sha256Hex(`actor:${seed}`).slice(0, 32);
}
function workerId(seed: string): string {
  return sha256Hex(`worker:${seed}`).slice(0, 56);
}
function pidOf(seed: string): number {
  return 1000 + (Number.parseInt(sha256Hex(`pid:${seed}`).slice(0, 6), 16) % 60000);
}

interface DeploymentView {
  name: string;
  status: DeploymentStatus;
  statusTrigger: string;
  message: string;
  body: Record<string, unknown>;
}

/** Renders `ServeInstanceDetails` (docs/ray-serve-rest.md#instance-details) at the clock's current time. */
export class DetailsRenderer {
  public constructor(
    private readonly timings: DevServerTimings,
    private readonly behaviour: RayBehaviour,
    private readonly node: () => HeadNode,
  ) {}

  /** The full GET body, or the empty dict when Serve is not running. */
  public render(state: ServeState, now: number): Record<string, unknown> {
    state.settle();
    const system = state.system;
    if (system === undefined) return emptyServeDetails();
    const node = this.node();
    const controllerSeed = `${node.sessionName}:controller`;
    const b258 = this.behaviour.serve258;
    const body: Record<string, unknown> = {
      controller_info: {
        node_id: node.nodeId,
        node_ip: node.nodeIp,
        ...(b258 ? { node_instance_id: '' } : {}),
        actor_id: actorId(controllerSeed),
        actor_name: 'SERVE_CONTROLLER_ACTOR',
        worker_id: workerId(controllerSeed),
        log_file_path: `/serve/controller_${pidOf(controllerSeed)}.log`,
      },
      proxy_location: system.proxyLocation,
      // 2.58 lists unset options as null; older Ray left them out.
      http_options: b258 ? system.httpOptions : dropNulls(system.httpOptions),
      grpc_options: b258 ? system.grpcOptions : dropNulls(system.grpcOptions),
      proxies: system.proxyLocation === 'Disabled' ? {} : { [node.nodeId]: this.proxy(node) },
      applications: Object.fromEntries(
        [...state.apps.values()].map((app) => [app.name, this.application(app, now)]),
      ),
    };
    if (b258) {
      body['target_capacity'] = system.targetCapacity;
      body['target_groups'] = [this.httpTargetGroup(node, system)];
      body['controller_health_metrics'] = controllerHealth(system.startedAtMs ?? now, now);
    } else if (system.targetCapacity !== null) body['target_capacity'] = system.targetCapacity;
    return body;
  }

  /** 2.58's `target_groups`: the HTTP proxies, by which an external load balancer finds Serve. */
  private httpTargetGroup(
    node: HeadNode,
    system: { proxyLocation: string; httpOptions: Record<string, unknown> },
  ): Record<string, unknown> {
    const targets =
      system.proxyLocation === 'Disabled'
        ? []
        : [
            {
              ip: node.nodeIp,
              port: system.httpOptions['port'],
              instance_id: '',
              name: this.proxyActorName(node),
            },
          ];
    return {
      targets,
      route_prefix: '/',
      protocol: 'HTTP',
      app_name: '',
      ingress_request_router_targets: [],
      ingress_deployment_name: '',
    };
  }

  private proxyActorName(node: HeadNode): string {
    return this.behaviour.serve258
      ? `SERVE_PROXY_ACTOR-${node.nodeId}`
      : `SERVE_CONTROLLER_ACTOR:SERVE_PROXY_ACTOR-${node.nodeId}`;
  }

  /** One app's `ApplicationDetails` (after `state.settle()`). */
  public application(app: AppState, now: number): Record<string, unknown> {
    const pending = app.pending;
    const building = pending !== undefined && now < pending.endsAt;
    const failed = pending !== undefined && !building && pending.failure !== undefined;
    const deleting = app.deletingSince !== undefined;
    const b258 = this.behaviour.serve258;
    // 2.58 lists no deployments while an app is deleted, builds, or after its build failed
    // (the old replicas still serve meanwhile).
    const hidden = b258 && (deleting || building || failed);
    const views = hidden
      ? []
      : app.active.deployments.map((d) =>
          deleting ? this.deletingDeployment(app, d) : this.deployment(app, d, now),
        );

    let status: AppStatus;
    let message = '';
    if (deleting) status = 'DELETING';
    else if (building) status = 'DEPLOYING';
    else if (failed) {
      status = 'DEPLOY_FAILED';
      message = pending.failure ?? '';
    } else {
      const failedNames = views.filter((v) => v.status === 'DEPLOY_FAILED').map((v) => v.name);
      const unhealthyNames = views.filter((v) => v.status === 'UNHEALTHY').map((v) => v.name);
      if (failedNames.length > 0) {
        status = 'DEPLOY_FAILED';
        message = `Failed to update the deployments ${pyRepr(failedNames)}.`;
      } else if (unhealthyNames.length > 0) {
        status = 'UNHEALTHY';
        message = `The deployments ${pyRepr(unhealthyNames)} are UNHEALTHY.`;
      } else if (views.some((v) => v.status === 'UPDATING')) {
        status = 'DEPLOYING';
      } else status = 'RUNNING';
    }

    const details: Record<string, unknown> = {
      name: app.name,
      route_prefix: app.active.routePrefix,
      docs_path: null,
      status,
      message,
      last_deployed_time_s: app.lastDeployedTimeS,
    };
    if (app.source === 'declarative' && !deleting && app.config !== undefined)
      details['deployed_app_config'] = app.config;
    else if (b258) details['deployed_app_config'] = null;
    details['source'] = app.source;
    details['deployments'] = Object.fromEntries(views.map((v) => [v.name, v.body]));
    details['external_scaler_enabled'] = app.config?.['external_scaler_enabled'] === true;
    if (b258) details['deployment_topology'] = topology(app.name, views);
    return details;
  }

  /**
   * The first deployment of the app's running version whose replicas take requests now (also
   * while a new version builds or after its build failed), or undefined.
   */
  public servingDeployment(app: AppState, now: number): string | undefined {
    if (app.deletingSince !== undefined) return undefined;
    for (const d of app.active.deployments) {
      const view = this.deployment(app, d, now);
      const states = (view.body['replicas'] as { state: string }[]).map((r) => r.state);
      if (states.some((state) => state === 'RUNNING' || state === 'UPDATING')) return d.plan.name;
      if (d.replacesRunning && view.status === 'UPDATING') return d.plan.name;
    }
    return undefined;
  }

  private proxy(node: HeadNode): Record<string, unknown> {
    const seed = `${node.sessionName}:proxy`;
    return {
      node_id: node.nodeId,
      node_ip: node.nodeIp,
      ...(this.behaviour.serve258 ? { node_instance_id: '' } : {}),
      actor_id: actorId(seed),
      actor_name: this.proxyActorName(node),
      worker_id: workerId(seed),
      log_file_path: `/serve/proxy_${node.nodeIp}.log`,
      status: 'HEALTHY',
    };
  }

  private deployment(app: AppState, d: DeploymentTimeline, now: number): DeploymentView {
    const n = d.plan.targetReplicas;
    const readyAt = d.startAt + d.durationMs;
    let status: DeploymentStatus;
    let trigger: string;
    let message = '';
    let replicaState: string;
    let replicaCount = n;
    let healthyAt: number | undefined;

    if (now < d.startAt) {
      // Replicas of a rebuilt app have not been scheduled yet; the caller only shows this during builds.
      status = 'UPDATING';
      trigger = 'CONFIG_UPDATE_STARTED';
      replicaState = 'STARTING';
    } else if (d.fault?.kind === 'insufficient-resources') {
      status = 'UPDATING';
      trigger = 'CONFIG_UPDATE_STARTED';
      replicaState = 'STARTING';
      if (now - d.startAt >= this.timings.schedulingWarningMs) {
        message =
          `Deployment "${d.plan.name}" in application "${app.name}" has ${n} replicas that have taken more than 30s to be scheduled. ` +
          'This may be due to waiting for the cluster to auto-scale or for a runtime environment to be installed. ' +
          `Resources required for each replica: ${JSON.stringify(d.plan.requiredResources)}, total resources available: {}. ` +
          'Use `ray status` for more details.';
      }
    } else if (d.fault?.kind === 'replica-startup-failure') {
      const failAt = d.startAt + 3 * d.durationMs;
      const recoverAt =
        d.fault.recoverAfterMs === undefined ? undefined : failAt + d.fault.recoverAfterMs;
      if (now < failAt) {
        status = 'UPDATING';
        trigger = 'CONFIG_UPDATE_STARTED';
        replicaState = 'STARTING';
      } else if (recoverAt !== undefined && now >= recoverAt) {
        status = 'HEALTHY';
        trigger = 'CONFIG_UPDATE_COMPLETED';
        replicaState = 'RUNNING';
        healthyAt = recoverAt;
      } else {
        status = 'DEPLOY_FAILED';
        trigger = 'REPLICA_STARTUP_FAILED';
        replicaState = 'STARTING';
        replicaCount = 0;
        const retries = Math.min(20, 3 * Math.max(1, n));
        message =
          `The deployment failed to start ${retries} times in a row. This may be due to a problem with its constructor or initial health check failing. ` +
          `See controller logs for details. Retrying after 1 seconds. Error:\n${constructorTraceback(d.plan.name, d.fault.error)}`;
      }
    } else if (now < readyAt) {
      status = 'UPDATING';
      trigger = 'CONFIG_UPDATE_STARTED';
      replicaState = d.mode === 'start' ? 'STARTING' : 'UPDATING';
    } else {
      status = 'HEALTHY';
      trigger = 'CONFIG_UPDATE_COMPLETED';
      replicaState = 'RUNNING';
      healthyAt = readyAt;
    }

    if (
      healthyAt !== undefined &&
      d.unhealthy !== undefined &&
      now >= Math.max(healthyAt, d.unhealthy.notBefore) + d.unhealthy.afterMs
    ) {
      status = 'UNHEALTHY';
      trigger = 'HEALTH_CHECK_FAILED';
      message = `The deployment is UNHEALTHY because replicas failed their health checks 3 times in a row. Error:\n${healthTraceback(d.unhealthy.error)}`;
      replicaState = 'STARTING';
    }
    return this.view(app, d, status, trigger, message, replicaState, replicaCount);
  }

  private deletingDeployment(app: AppState, d: DeploymentTimeline): DeploymentView {
    return this.view(app, d, 'UPDATING', 'DELETING', '', 'STOPPING', d.plan.targetReplicas);
  }

  private view(
    app: AppState,
    d: DeploymentTimeline,
    status: DeploymentStatus,
    trigger: string,
    message: string,
    replicaState: string,
    count: number,
  ): DeploymentView {
    const node = this.node();
    const b258 = this.behaviour.serve258;
    const replicas = Array.from({ length: count }, (_, i) => {
      const suffix = sha256Hex(`${node.sessionName}:${d.replicaSeed}:${i}`).slice(0, 8);
      const replicaId = `${app.name}#${d.plan.name}#${suffix}`;
      return {
        node_id: node.nodeId,
        node_ip: node.nodeIp,
        ...(b258 ? { node_instance_id: '' } : {}),
        actor_id: actorId(replicaId),
        actor_name: `SERVE_REPLICA::${replicaId}`,
        worker_id: workerId(replicaId),
        log_file_path: `/serve/replica_${app.name}_${d.plan.name}_${suffix}.log`,
        // 2.58 shows the unique part only; the actor name keeps the full id.
        replica_id: b258 ? suffix : replicaId,
        state: replicaState,
        pid: pidOf(replicaId),
        start_time_s: (d.replicasSince ?? d.startAt) / 1000,
      };
    });
    return {
      name: d.plan.name,
      status,
      statusTrigger: trigger,
      message,
      body: {
        name: d.plan.name,
        status,
        status_trigger: trigger,
        message,
        deployment_config: d.plan.deploymentConfig,
        target_num_replicas: d.plan.targetReplicas,
        required_resources: d.plan.requiredResources,
        replicas,
        ...(b258 ? { recent_dead_replicas: [] } : {}),
      },
    };
  }
}

function constructorTraceback(deployment: string, errorLine: string): string {
  const colon = errorLine.indexOf(': ');
  return formatTraceback(
    [
      rayFrame(
        'ray/serve/_private/replica.py',
        1032,
        'initialize_and_get_metadata',
        'await self._replica_impl.initialize(deployment_config)',
      ),
      rayFrame(
        'ray/serve/_private/replica.py',
        712,
        'initialize',
        'await self._user_callable_wrapper.initialize_callable()',
      ),
      {
        file: '/tmp/ray/session_latest/runtime_resources/working_dir_files/app.py',
        line: 12,
        func: '__init__',
        code: `# ${deployment}.__init__`,
      },
    ],
    colon === -1 ? errorLine : errorLine.slice(0, colon),
    colon === -1 ? '' : errorLine.slice(colon + 2),
  );
}

function healthTraceback(errorLine: string): string {
  const colon = errorLine.indexOf(': ');
  return formatTraceback(
    [
      rayFrame(
        'ray/serve/_private/replica.py',
        1101,
        'check_health',
        'await self._user_callable_wrapper.call_user_health_check()',
      ),
    ],
    colon === -1 ? errorLine : errorLine.slice(0, colon),
    colon === -1 ? '' : errorLine.slice(colon + 2),
  );
}

/** 2.58's `deployment_topology`: the app's deployments, the first being the ingress. */
function topology(
  appName: string,
  views: readonly DeploymentView[],
): Record<string, unknown> | null {
  if (views.length === 0) return null;
  return {
    app_name: appName,
    nodes: Object.fromEntries(
      views.map((v, i) => [
        v.name,
        { name: v.name, app_name: appName, outbound_deployments: [], is_ingress: i === 0 },
      ]),
    ),
    ingress_deployment: views[0]?.name,
  };
}

/** 2.58's `controller_health_metrics`, with plausible figures for a controller idling at 10 Hz. */
function controllerHealth(startedAtMs: number, nowMs: number): Record<string, unknown> {
  const uptime = Math.max(0, (nowMs - startedAtMs) / 1000);
  const stats = (mean: number) => ({ mean, std: mean / 2, min: mean / 4, max: mean * 8 });
  return {
    timestamp: nowMs / 1000,
    controller_start_time: startedAtMs / 1000,
    uptime_s: uptime,
    last_control_loop_time: nowMs / 1000,
    num_control_loops: Math.floor(uptime * 10),
    loop_duration_s: stats(0.005),
    loops_per_second: 9.5,
    last_sleep_duration_s: 0.1,
    expected_sleep_duration_s: 0.1,
    event_loop_delay_s: 0.0003,
    num_asyncio_tasks: 5,
    deployment_state_update_duration_s: stats(0.0001),
    application_state_update_duration_s: stats(0.0001),
    proxy_state_update_duration_s: stats(0.0001),
    node_update_duration_s: stats(0.00001),
    handle_metrics_delay_ms: {},
    replica_metrics_delay_ms: {},
    process_memory_mb: 125,
  };
}

function dropNulls(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null && v !== undefined));
}
