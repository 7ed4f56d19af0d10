import type { RetryPolicy, StepAttempt, StepResult } from '@synapse-sdk/core';
import { BaseStep, stepSuccess, SynapseError } from '@synapse-sdk/core';
import type { DeploymentContext } from '@synapse-sdk/steps';

/**
 * Asks the freshly deployed model for one prediction through the Serve HTTP proxy and fails
 * unless the route answers 200 with JSON, which rolls the deploy back. The answer is the step's
 * result (`data.body`). Retried twice: the proxy can lag the controller by a moment.
 */
export class PredictSmokeTestStep extends BaseStep<DeploymentContext> {
  public readonly name = 'smoke-test';
  public readonly progressWeight = 0.1;
  public override readonly retry: RetryPolicy = {
    attempts: 3,
    initialDelayMs: 300,
    maxDelayMs: 1_000,
  };
  public override readonly timeoutMs = 10_000;

  public constructor(private readonly serveUrl: string) {
    super();
  }

  public async execute(context: DeploymentContext, attempt: StepAttempt): Promise<StepResult> {
    const url = new URL(context.routePrefix, this.serveUrl).href;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ x: 2 }),
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
        `smoke test: POST ${url} answered ${response.status}: ${text.slice(0, 300)}`,
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
    context.log('smoke_test_passed', { url, answer: body });
    return stepSuccess({ url, status: response.status, body });
  }
}
