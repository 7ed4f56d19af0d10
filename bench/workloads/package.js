// Packages one plugin tree the way a deploy does (packageWorkingDir: the zip written to a
// temporary file, ready to upload), in a process of its own so its peak RSS is the packager's.
//
// Usage: node package.js DIR [--compression store|deflate] [--walk-only]
// -> one JSON object: seconds, the URI, zip size and SHA-256, RSS before and peak (MiB).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

import { collectFiles } from '../../packages/steps/dist/packaging/collect-files.js';
import { packageWorkingDir } from '../../packages/steps/dist/packaging/package-working-dir.js';

const [dir, ...flags] = process.argv.slice(2);
const compression = flags.includes('--compression')
  ? flags[flags.indexOf('--compression') + 1]
  : 'store';
const mib = (bytes) => bytes / 1024 / 1024;

async function sha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

const rssBeforeMiB = mib(process.memoryUsage.rss());
const start = process.hrtime.bigint();
if (flags.includes('--walk-only')) {
  const { paths } = await collectFiles(dir);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ walkS: seconds, files: paths.length }));
} else {
  const pkg = await packageWorkingDir(dir, { compression });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // Read before hashing the zip, which is the check's work, not the packager's.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const zipSha256 = await sha256(pkg.zip.path);
  await pkg.remove();
  console.log(
    JSON.stringify({
      packageS: seconds,
      uri: pkg.uri,
      files: pkg.files.length,
      zipBytes: pkg.zip.byteLength,
      zipSha256,
      rssBeforeMiB,
      peakRssMiB,
    }),
  );
}
