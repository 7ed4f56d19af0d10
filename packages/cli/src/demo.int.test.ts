import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from '@jest/globals';
import { waitForExit } from '@synapse-sdk/test-kit';

import { childEnv, REPO_ROOT } from './test-support/run-synapse.js';

describe('pnpm demo', () => {
  it('deploys, calls the route, survives a broken update and says what to try next', async () => {
    // A pipe, with neither NO_COLOR nor FORCE_COLOR: the pipe alone must keep colours out.
    const demo = spawn(process.execPath, [join(REPO_ROOT, 'packages/cli/dist/bin/demo.js')], {
      cwd: REPO_ROOT,
      env: childEnv({ NO_COLOR: undefined }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { code, stdout, stderr } = await waitForExit(demo, 150_000);
    const answers = stdout.split('\n').filter((line) => line.startsWith('{"simulated":true'));
    expect({
      code,
      escapes: /\x1b/.test(stdout + stderr), // eslint-disable-line no-control-regex
      answers: answers.map((line) => (JSON.parse(line) as Record<string, unknown>)['deployment']),
    }).toEqual({ code: 0, escapes: false, answers: ['Model', 'Model'] });
    const commands = stdout.split('\n').filter((line) => line.startsWith('$ '));
    expect(commands.map((line) => line.replace(/ {3}#.*$/, ''))).toEqual([
      '$ synapse plugin init my-model',
      '$ synapse plugin check --path my-model',
      '$ synapse plugin run deployment --path my-model --job-id 101',
      expect.stringMatching(/^\$ curl -d 'I love this model' "\$RAY_SERVE_URL\/[0-9a-f]{32}"$/),
      '$ synapse serve status',
      '$ synapse serve plan --path my-model',
      '$ synapse plugin run deployment --path my-model --job-id 102',
      expect.stringMatching(/^\$ curl -d 'I love this model' "\$RAY_SERVE_URL\/[0-9a-f]{32}"$/),
      '$ synapse serve status',
    ]);
    for (const text of [
      'change: code change',
      'deploy failed, rolled back',
      'RuntimeError: weights not found',
      '(exit code 1)',
      '✔ still answering from Model, the version that was running',
      'Next, try:',
      'source <(synapse completion bash)',
    ]) {
      expect(stdout + stderr).toContain(text);
    }
  }, 180_000);
});
