import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

const LANE = fileURLToPath(new URL('./run-ray-lane.mjs', import.meta.url));

/** Runs `pnpm test:ray`'s driver with a Python of the test's making. */
function runLane(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [LANE],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000 },
      (error, _stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr: String(stderr) });
      },
    );
  });
}

/**
 * A stand-in for `python3`: answers the version probe with `version`; `-m venv DIR` either fails
 * with `venvError` or creates DIR/bin/python from `venvPython` (a shell script body).
 */
function fakePython(options: { version: string; venvError?: string; venvPython?: string }): string {
  const create =
    options.venvError !== undefined
      ? `echo "${options.venvError}" >&2; exit 1`
      : `mkdir -p "$3/bin" && cat > "$3/bin/python" <<'PY'\n#!/bin/sh\n${options.venvPython ?? ''}\nPY\nchmod +x "$3/bin/python"`;
  return `#!/bin/sh
case "$1 $2" in
  "-c "*) echo "${options.version}" ;;
  "-m venv") ${create} ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`;
}

describe('pnpm test:ray on a machine without what it needs: one line saying what to install', () => {
  let dir: string;
  let python: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-lane-setup-'));
    python = join(dir, 'python3');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function lane(script?: string) {
    if (script !== undefined) {
      await writeFile(python, script);
      await chmod(python, 0o755);
    }
    const result = await runLane({ RAY_LANE_PYTHON: python, RAY_LANE_DIR: join(dir, 'state') });
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    return { code: result.code, lines };
  }

  it('without Python', async () => {
    const { code, lines } = await lane();
    expect(code).toBe(1);
    expect(lines).toEqual([
      `error: Python was not found (looked for "${python}"): install Python 3.10–3.14 with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv) or set RAY_LANE_PYTHON to one`,
    ]);
  });

  it('with a Python too old for Ray 2.58', async () => {
    const { code, lines } = await lane(fakePython({ version: '3.8' }));
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /^error: ".*python3" is Python 3\.8, which Ray 2\.58\.0 does not support: install Python 3\.10–3\.14/,
      ),
    ]);
  });

  it('without the venv module (no ensurepip)', async () => {
    const { code, lines } = await lane(
      fakePython({
        version: '3.11',
        venvError:
          'The virtual environment was not created successfully because ensurepip is not available.',
      }),
    );
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /cannot create a virtualenv with pip \(.*ensurepip is not available\.\): install the venv module and pip for that Python \(Debian\/Ubuntu: apt-get install python3-venv python3-pip\)$/,
      ),
    ]);
  });

  it('without pip in the virtualenv', async () => {
    const { code, lines } = await lane(
      fakePython({ version: '3.11', venvPython: 'echo "No module named pip" >&2; exit 1' }),
    );
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/has no pip \(No module named pip\): install pip for that Python/),
    ]);
  });

  it('when Ray does not import after the install', async () => {
    const venvPython = `case "$1 $2" in
  "-m pip") exit 0 ;;
  *) echo "ModuleNotFoundError: No module named 'jinja2'" >&2; exit 1 ;;
esac`;
    const { code, lines } = await lane(fakePython({ version: '3.11', venvPython }));
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /^error: Ray 2\.58\.0 was installed into .* but does not import \(ModuleNotFoundError: No module named 'jinja2'\): fix tests\/ray\/requirements\.txt$/,
      ),
    ]);
  });
});
