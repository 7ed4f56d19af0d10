import type { RetryPolicy, StepAttempt, StepResult } from '@synapse-sdk/core';
import { BaseStep, stepSuccess, SynapseError } from '@synapse-sdk/core';
import type { DeploymentContext } from '@synapse-sdk/steps';

/** Options of {@link SmokeTestStep}. */
export interface SmokeTestStepOptions {
  /** Base URL of the Serve HTTP proxy, e.g. `http://127.0.0.1:8000`. */
  serveUrl: string;
  /** JSON body posted to the route. */
  payload: unknown;
}

/**
 * Calls the freshly deployed route on the Serve data plane and fails when it does not answer
 * 200 with JSON, which makes the orchestrator roll the deploy back. Retried twice: the proxy
 * can lag the controller by a moment after the app turns RUNNING.
 */
export class SmokeTestStep extends BaseStep<DeploymentContext> {
  public readonly name = 'smoke-test';
  public readonly progressWeight = 0.1;
  public override readonly retry: RetryPolicy = {
    attempts: 3,
    initialDelayMs: 200,
    maxDelayMs: 1_000,
  };
  public override readonly timeoutMs = 10_000;

  public constructor(private readonly options: SmokeTestStepOptions) {
    super();
  }

  public async execute(context: DeploymentContext, attempt: StepAttempt): Promise<StepResult> {
    const url = new URL(context.routePrefix, this.options.serveUrl).href;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.options.payload),
        signal: attempt.signal,
      });
    } catch (error) {
      throw new SynapseError(
        'HTTP_CONNECTION',
        `smoke test: POST ${url} failed: ${String(error)}`,
        {
          hint: 'check the Serve proxy address (param serve_url or env RAY_SERVE_URL)',
          cause: error,
        },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new SynapseError(
        'HTTP_STATUS',
        `smoke test: POST ${url} answered ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new SynapseError(
        'HTTP_RESPONSE_INVALID',
        `smoke test: POST ${url} did not answer JSON: ${text.slice(0, 200)}`,
      );
    }
    context.log('smoke_test_passed', { url, status: response.status });
    return stepSuccess({ url, status: response.status, body });
  }
}
