// Checks the packed tarballs in the directory given as argument: every internal dependency
// pinned to a version (no `workspace:`), no workspace-only export condition, the Apache-2.0
// license, and only what a user needs inside — built JavaScript and type declarations, the
// README, LICENSE and changelog, the bins, and the CLI's plugin template. Prints each tarball's
// size and file count; the file lists go to .ci/out/tarballs.txt. Exits 1 on any problem.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^dist\/.+\.(js|d\.ts)$/,
  /^bin\/[\w-]+\.js$/,
  /^plugin-tsconfig\.json$/,
  /^templates\/plugin\/.+$/,
];
const FORBIDDEN = [/\.test\./, /test-support\//, /\.tsbuildinfo$/, /\.map$/, /^src\//];
const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'];

const problems = [];
const listing = [];
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.tgz'))
  .sort()) {
  const file = join(dir, name);
  const files = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((path) => path.replace(/^package\//, ''))
    .sort();
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }),
  );
  const where = `${name}`;
  for (const path of files) {
    if (!ALLOWED.some((re) => re.test(path)) || FORBIDDEN.some((re) => re.test(path))) {
      problems.push(`${where}: ${path} should not be in the package`);
    }
  }
  for (const path of REQUIRED) {
    if (!files.includes(path)) problems.push(`${where}: ${path} is missing`);
  }
  for (const [dep, range] of Object.entries({
    ...manifest.dependencies,
    ...manifest.peerDependencies,
    ...manifest.optionalDependencies,
  })) {
    if (String(range).startsWith('workspace:')) {
      problems.push(`${where}: dependency ${dep} is still ${range}`);
    } else if (dep.startsWith('@synapse-sdk/') && range !== manifest.version) {
      problems.push(`${where}: dependency ${dep} is ${range}, not ${manifest.version}`);
    }
  }
  if (JSON.stringify(manifest.exports ?? {}).includes('@synapse-sdk/source')) {
    problems.push(`${where}: exports still has the workspace-only @synapse-sdk/source condition`);
  }
  if (manifest.license !== 'Apache-2.0') {
    problems.push(`${where}: license is ${manifest.license}, not Apache-2.0`);
  }
  const bytes = statSync(file).size;
  console.log(`${name.padEnd(34)} ${String(bytes).padStart(7)} bytes  ${files.length} files`);
  listing.push(`${name} (${bytes} bytes, ${files.length} files)`, ...files.map((f) => `  ${f}`));
}
mkdirSync('.ci/out', { recursive: true });
writeFileSync('.ci/out/tarballs.txt', `${listing.join('\n')}\n`);
for (const problem of problems) console.error(`error: ${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
