import { describe, expect, it } from '@jest/globals';
import {
  CancelledError,
  ConfigError,
  ParamsValidationError,
  registerSecret,
  StepFailedError,
  SynapseError,
} from '@synapse-sdk/core';

import { formatError } from './format-error.js';
import { UsageError } from './usage-error.js';

describe('formatError', () => {
  it('maps bad input to exit 2 with one line and the hint appended', () => {
    const formatted = formatError(
      new UsageError('unknown action x', { hint: 'pick one of: a, b' }),
    );
    expect(formatted).toEqual({
      exitCode: 2,
      code: 'USAGE',
      rootCode: undefined,
      message: 'unknown action x. Pick one of: a, b',
      hint: 'pick one of: a, b',
      rollbackErrors: [],
      text: 'error: unknown action x. Pick one of: a, b\n',
    });
  });

  it('maps params, config and package errors to 2, even as the root cause once work began', () => {
    const params = new ParamsValidationError([{ path: 'a', message: 'bad' }]);
    const config = new ConfigError('config.yaml', 'invalid');
    expect([formatError(params).exitCode, formatError(config).exitCode]).toEqual([2, 2]);
    const inDeploy = (cause: SynapseError) =>
      new StepFailedError('deploy', cause.message, [], { cause });
    const packageInvalid = new SynapseError('PACKAGE_INVALID', 'package is 120 MiB');
    const formatted = formatError(inDeploy(config), { workBegan: true, rolledBack: ['deploy'] });
    expect([
      formatted.exitCode,
      formatted.rootCode,
      formatted.message,
      formatError(inDeploy(params), { workBegan: true }).exitCode,
      formatError(inDeploy(packageInvalid), { workBegan: true }).exitCode,
    ]).toEqual([
      2,
      'CONFIG_INVALID',
      "Step 'deploy' failed: config.yaml: invalid (rolled back: deploy)",
      2,
      2,
    ]);
    const unreachable = new SynapseError('HTTP_CONNECTION', 'refused');
    expect(formatError(inDeploy(unreachable), { workBegan: true }).exitCode).toBe(1);
  });

  it('maps a failed rollback to 4, for a failure and for a cancellation, and says so', () => {
    const rollbackErrors = ["Rollback failed for step 'fragile': restore refused"];
    const failed = new StepFailedError('boom', 'it broke', rollbackErrors, {
      cause: new SynapseError('DEPLOY_FAILED', 'it broke', { hint: 'fix the app' }),
    });
    const formatted = formatError(failed, { workBegan: true, rolledBack: ['boom'] });
    expect(formatted).toMatchObject({
      exitCode: 4,
      rollbackErrors,
      hint: 'the cluster may not be as it was: check `synapse serve status`; then fix the app',
      message:
        "Step 'boom' failed: it broke (rolled back: boom; rollback failed for step 'fragile': restore refused). The cluster may not be as it was: check `synapse serve status`; then fix the app",
    });
    const cancelled = new CancelledError(
      "Cancelled during step 'wait'; rolled back 0 steps; Rollback failed for step 'fragile': x",
      { rollbackErrors: ["Rollback failed for step 'fragile': x"] },
    );
    expect(formatError(cancelled, { cancelled: true })).toMatchObject({
      exitCode: 4,
      message:
        "Cancelled during step 'wait'; rolled back 0 steps; Rollback failed for step 'fragile': x. The cluster may not be as it was: check `synapse serve status`",
    });
    expect(formatError(new CancelledError('Cancelled', { rollbackErrors: [] })).exitCode).toBe(130);
  });

  it('maps an unreachable or refusing service to 3 before work began, 1 after', () => {
    const cause = new SynapseError(
      'HTTP_CONNECTION',
      'ray GET http://x/api/version failed: refused',
    );
    const failed = new StepFailedError('initialize', cause.message, [], { cause });
    expect(formatError(failed)).toMatchObject({
      exitCode: 3,
      code: 'STEP_FAILED',
      rootCode: 'HTTP_CONNECTION',
    });
    expect(formatError(new SynapseError('HTTP_AUTH', 'refused')).exitCode).toBe(3);
    expect(formatError(failed, { workBegan: true }).exitCode).toBe(1);
  });

  it('maps cancellation to 130 whatever was thrown', () => {
    expect(formatError(new CancelledError('Cancelled during step x')).exitCode).toBe(130);
    expect(formatError(new Error('socket hang up'), { cancelled: true }).exitCode).toBe(130);
  });

  it('keeps the exception of a traceback on the line and the rest indented below', () => {
    const error = new SynapseError(
      'DEPLOY_FAILED',
      'app failed:\nTraceback:\n  File "x"\nRuntimeError: boom',
    );
    expect(formatError(error, { rolledBack: ['deploy'] }).text).toBe(
      'error: app failed … RuntimeError: boom (rolled back: deploy)\n  Traceback:\n    File "x"\n  RuntimeError: boom\n',
    );
  });

  it('prints the hint as the error words it, without rewriting it', () => {
    const hint = 'fix the cause shown in the message below and deploy again';
    const multiLine = new SynapseError('DEPLOY_FAILED', 'app failed:\nRuntimeError: boom', {
      hint,
    });
    expect(formatError(multiLine).text).toBe(
      'error: app failed … RuntimeError: boom. Fix the cause shown in the message below and deploy again\n  RuntimeError: boom\n',
    );
  });

  it('maps every code through one table: a refusal of bad input is 2 even after work began', () => {
    const refusal = new StepFailedError('deploy', 'refused', [], {
      cause: new SynapseError('IMPERATIVE_APP', 'refused'),
    });
    const contested = new SynapseError('DEPLOY_CONTESTED', 'replaced 4 times');
    expect([
      formatError(refusal, { workBegan: true }).exitCode,
      formatError(contested).exitCode,
      formatError(new SynapseError('DEPENDENCY_MISSING', 'needs X')).exitCode,
      formatError(new SynapseError('PLUGIN_SPECIFIC', 'x')).exitCode,
    ]).toEqual([2, 1, 2, 1]);
  });

  it('names the flag that set a variable the error is about', () => {
    const error = new ConfigError('RAY_DASHBOARD_ADDRESS', '"htp:/x" is not an http(s) URL');
    expect(
      formatError(error, { setByFlags: { RAY_DASHBOARD_ADDRESS: '--ray-address' } }).message,
    ).toBe('RAY_DASHBOARD_ADDRESS (set by --ray-address): "htp:/x" is not an http(s) URL');
    expect(formatError(error, { setByFlags: { SYNAPSE_HOST: '--host' } }).message).toBe(
      'RAY_DASHBOARD_ADDRESS: "htp:/x" is not an http(s) URL',
    );
  });

  it('maps a service that kept answering 503 to 3 before work began', () => {
    const cause = new SynapseError('HTTP_SERVER', 'GET /api/version failed: 503');
    const error = new SynapseError('RAY_UNREACHABLE', 'Cannot reach the Ray dashboard', { cause });
    const failed = new StepFailedError('initialize', error.message, [], { cause: error });
    expect(formatError(failed).exitCode).toBe(3);
    expect(formatError(error, { workBegan: true }).exitCode).toBe(1);
  });

  it('maps a dashboard address that answers like no dashboard to 2 before work began', () => {
    const error = new SynapseError(
      'NOT_A_RAY_DASHBOARD',
      'http://h/ray/ does not look like a Ray dashboard',
    );
    expect(formatError(error).exitCode).toBe(2);
    // As the initialize step reports it: the 404 that showed it is the deepest cause.
    const notFound = new SynapseError('HTTP_NOT_FOUND', 'GET http://h/ray/api/version: 404');
    const step = new StepFailedError(
      'initialize',
      'http://h/ray/ does not look like a Ray dashboard',
      [],
      {
        cause: new SynapseError('NOT_A_RAY_DASHBOARD', 'does not look like one', {
          cause: notFound,
        }),
      },
    );
    expect(formatError(step).exitCode).toBe(2);
  });

  it('masks registered secrets and treats unknown errors as failures', () => {
    registerSecret('s3cr3t-value');
    const formatted = formatError(new Error('token s3cr3t-value refused'));
    expect([formatted.exitCode, formatted.code, formatted.text.includes('s3cr3t-value')]).toEqual([
      1,
      'INTERNAL',
      false,
    ]);
  });

  it('adds the stack and its causes only when verbose', () => {
    const error = new Error('outer', { cause: new Error('inner') });
    expect(formatError(error).text).toBe('error: outer\n');
    expect(formatError(error, { verbose: true }).text).toMatch(
      /^error: outer\nError: outer\n\s+at [\s\S]*Caused by: Error: inner/,
    );
  });
});
