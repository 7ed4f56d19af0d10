import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from '@jest/globals';

/*
 * Every reference a comment or a README makes to a document resolves inside the repository:
 * `docs/<file>.md#<section>` names a file and a heading that exist, and no comment cites a
 * document that is not here (the old "reference §4.6" or "Appendix B1").
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// Generated or installed folders (the bench's and the real-Ray lane's virtualenvs) are not ours.
const SKIP = new Set([
  'node_modules',
  'dist',
  '.git',
  '.ci',
  '.bench',
  '.ray-lane',
  'test-fixtures',
]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(ts|js|mjs|md)$/.test(entry.name) ? [path] : [];
  });
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1] ?? '')));
}

const sources = files(ROOT).filter((file) => !relative(ROOT, file).startsWith('docs/'));

describe('references to documents', () => {
  it('name a docs/ file and section that exist', () => {
    const broken: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const [ref, path = '', anchor] of text.matchAll(
        /((?:\.\.\/)*docs\/[\w-]+\.md)(?:#([\w-]+))?/g,
      )) {
        const target = path.startsWith('..') ? join(dirname(file), path) : join(ROOT, path);
        if (!existsSync(target)) broken.push(`${relative(ROOT, file)}: ${ref} (no such file)`);
        else if (anchor && !anchorsOf(target).has(anchor)) {
          broken.push(`${relative(ROOT, file)}: ${ref} (no such section)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('never cite a document outside the repository', () => {
    const outside = sources.filter(
      (file) =>
        file !== fileURLToPath(import.meta.url) &&
        /reference\s*§|reference\/[\w-]+\.md|Appendix B\d|\(B\d+\)|checklists? (item )?\d/.test(
          readFileSync(file, 'utf8'),
        ),
    );
    expect(outside.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
