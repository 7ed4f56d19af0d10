// Packaging against Ray's own algorithm on the same generated trees (issue 14).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { median, runJson } from '../lib/measure.js';
import { ANCHORS_DIR, BENCH_STATE_DIR, WORKLOADS_DIR } from '../lib/paths.js';
import { pythonVersion, rayPython } from '../lib/python.js';
import { fmt, row } from '../lib/rows.js';
import { ensureTree, TREES } from '../lib/trees.js';

function ours(dir, ...flags) {
  return runJson(process.execPath, [join(WORKLOADS_DIR, 'package.js'), dir, ...flags]);
}

function ray(python, dir) {
  const out = join(BENCH_STATE_DIR, 'ray-package.zip');
  rmSync(out, { force: true });
  try {
    return runJson(python, [join(ANCHORS_DIR, 'ray_packaging.py'), dir, out]);
  } finally {
    rmSync(out, { force: true });
  }
}

export async function packagingSuite({ quick, log }) {
  const repeats = quick ? 2 : 3;
  const treesDir = join(BENCH_STATE_DIR, 'trees');
  mkdirSync(treesDir, { recursive: true });
  const python = rayPython();
  log(`packaging: Ray's algorithm on ${pythonVersion(python)}, ${repeats} run(s) each`);
  const rows = [];
  const group = 'Packaging';
  const names = quick ? ['plugin-100mb', 'plugin-15k-files'] : ['plugin-100mb', 'plugin-45k-files'];
  for (const name of names) {
    log(`packaging: ${name}`);
    const dir = ensureTree(treesDir, name);
    const { label } = TREES[name];
    // One untimed run each warms the page cache; then the runs alternate, each after a `sync`
    // so that neither pays for writing back the other's zip.
    ours(dir);
    if (!quick) ray(python, dir);
    const mine = [];
    const theirs = [];
    for (let i = 0; i < repeats; i++) {
      spawnSync('sync');
      mine.push(ours(dir));
      spawnSync('sync');
      theirs.push(ray(python, dir));
    }
    if (mine[0].files !== theirs[0].entries) {
      throw new Error(
        `${name}: we packed ${mine[0].files} files, Ray ${theirs[0].entries}: not the same work`,
      );
    }
    const oursS = median(mine.map((r) => r.packageS));
    const raysS = median(theirs.map((r) => r.packageS));
    const growth = Math.max(...mine.map((r) => r.peakRssMiB - r.rssBeforeMiB));
    const rayGrowth = Math.max(...theirs.map((r) => (r.peakRssKiB - r.rssBeforeKiB) / 1024));
    const peak = Math.max(...mine.map((r) => r.peakRssMiB));
    const rayPeak = Math.max(...theirs.map((r) => r.peakRssKiB / 1024));
    const identical = mine.every((r) => r.zipSha256 === mine[0].zipSha256);
    log(`packaging: ${name}: ours ${fmt.s(oursS)}, Ray ${fmt.s(raysS)}`);
    rows.push(
      row({
        group,
        workload: `packaging ${label}`,
        ours: fmt.s(oursS),
        anchor: `Ray's packager ${fmt.s(raysS)}`,
        ratio: `${fmt.x(raysS / oursS)} faster`,
        value: raysS / oursS,
        goal: ['>=', 2],
        goalText: '≥ 2× faster than Ray',
        ci: ['>=', 1],
      }),
      row({
        group,
        workload: `peak RSS while packaging ${label}`,
        ours: `+${fmt.mib(growth)} (process peak ${fmt.mib(peak)})`,
        anchor: `Ray +${fmt.mib(rayGrowth)} (peak ${fmt.mib(rayPeak)})`,
        ratio: `+${fmt.mib(growth)}`,
        value: growth,
        goal: ['<=', 64],
        goalText: '≤ 64 MiB, whatever the tree size',
        ci: ['<=', 128],
      }),
      row({
        group,
        workload: `zip byte-identical run to run, ${label}`,
        ours: identical ? `yes, ${repeats} runs: sha256 ${mine[0].zipSha256.slice(0, 12)}…` : 'NO',
        ratio: identical ? 'identical' : 'different',
        value: identical ? 1 : 0,
        goal: ['>=', 1],
        goalText: 'identical',
        ci: ['>=', 1],
      }),
    );
    if (name !== 'plugin-100mb') {
      const walk = median(Array.from({ length: repeats }, () => ours(dir, '--walk-only').walkS));
      const rayWalk = median(theirs.map((r) => r.walkS));
      rows.push(
        row({
          group,
          workload: `directory walk alone, ${label}`,
          ours: fmt.s(walk),
          anchor: `Ray ${fmt.s(rayWalk)}`,
          ratio: `${fmt.x(rayWalk / walk)} faster`,
          value: rayWalk / walk,
          goal: ['>=', 1],
          goalText: 'informational',
          ci: ['>=', 0],
        }),
      );
    }
    if (name === 'plugin-100mb' && !quick) {
      const deflated = ours(dir, '--compression', 'deflate');
      rows.push(
        row({
          group,
          workload: `packaging ${label} with compression: 'deflate'`,
          ours: `${fmt.s(deflated.packageS)}, zip ${fmt.mib(deflated.zipBytes / 1048576)}`,
          anchor: `stored: ${fmt.s(oursS)}, zip ${fmt.mib(mine[0].zipBytes / 1048576)}`,
          ratio: `${fmt.x(deflated.packageS / oursS)} the stored time`,
          value: deflated.packageS / oursS,
          goal: ['>=', 0],
          goalText: 'informational (why stored is the default)',
          ci: ['>=', 0],
        }),
      );
    }
  }
  return rows;
}
