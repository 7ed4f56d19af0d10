import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';

import { isAlive, sessionPids, stopSession } from './process-session.mjs';
import { reapOrphanHeads } from './ray-head.mjs';

const started: ChildProcess[] = [];

/** A stand-in for a head: a session of its own with a few processes, `marker` in their argv. */
function fakeHead(marker: string): number {
  const keepAlive = 'setTimeout(() => {}, 300000)';
  const script = `const { spawn } = require('node:child_process');
for (let i = 0; i < 3; i++) spawn(process.execPath, ['-e', '${keepAlive}', ${JSON.stringify(marker)}], { stdio: 'ignore' });
${keepAlive};`;
  const child = spawn(process.execPath, ['-e', script, marker], {
    detached: true,
    stdio: 'ignore',
  });
  started.push(child);
  return child.pid ?? 0;
}

async function sessionOf(sid: number, size: number): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    const pids = sessionPids(sid);
    if (pids.length >= size) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`session ${sid} did not reach ${size} processes`);
}

describe('stopping the lane head: exactly its own session', () => {
  afterEach(() => {
    for (const child of started.splice(0)) child.kill('SIGKILL');
  });

  it('stops every process of the session and nothing else', async () => {
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300000)'], {
      stdio: 'ignore',
    });
    started.push(bystander);
    const sid = fakeHead('/tmp/srl-test-stop');
    const pids = await sessionOf(sid, 4);
    await stopSession(sid);
    expect(pids.filter((pid) => isAlive(pid))).toEqual([]);
    expect(isAlive(bystander.pid ?? 0)).toBe(true);
  });

  it('reaps a head whose lane run died, and leaves one whose run is alive', async () => {
    const state = await mkdtemp(join(tmpdir(), 'synapse-lane-reap-'));
    try {
      await mkdir(join(state, 'heads'));
      const deadDriver = spawnSync(process.execPath, ['-e', '0']).pid;
      const orphanDir = await mkdtemp(join(tmpdir(), 'srl-orphan-'));
      const orphan = fakeHead(orphanDir);
      const keptDir = await mkdtemp(join(tmpdir(), 'srl-kept-'));
      const kept = fakeHead(keptDir);
      await sessionOf(orphan, 4);
      await sessionOf(kept, 4);
      const record = (sid: number, driverPid: number, tempDir: string) =>
        writeFile(join(state, 'heads', `${sid}.json`), JSON.stringify({ driverPid, sid, tempDir }));
      await record(orphan, deadDriver, orphanDir);
      await record(kept, process.pid, keptDir);

      const said: string[] = [];
      await reapOrphanHeads(state, (line) => said.push(line));
      expect(sessionPids(orphan)).toEqual([]);
      expect(existsSync(orphanDir)).toBe(false);
      expect(existsSync(join(state, 'heads', `${orphan}.json`))).toBe(false);
      expect(said).toEqual([expect.stringContaining(orphanDir)]);
      expect(sessionPids(kept)).toHaveLength(4);
      await stopSession(kept);
      await rm(keptDir, { recursive: true, force: true });
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
