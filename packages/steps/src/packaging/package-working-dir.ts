import { createHash, hash as oneShotHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

import { MAX_PACKAGE_BYTES } from '@synapse-sdk/clients';

import { collectFiles } from './collect-files.js';
import type { PackageCompression } from './compression.js';
import { DEFLATE_LEVEL, deflatesWell, worthDeflating } from './compression.js';
import { PackageError } from './package-error.js';
import { TimeSlicer } from './time-slicer.js';
import type { ZipMethod } from './zip-writer.js';
import { ZipWriter } from './zip-writer.js';

/** Files up to this size are read in one call; larger ones stream through a buffer this big. */
const CHUNK_BYTES = 1024 * 1024;
/** How much of a large file is deflated to judge whether the whole file deflates well. */
const SAMPLE_BYTES = 64 * 1024;

/** A zip archive on disk. */
export interface PackageFile {
  path: string;
  byteLength: number;
}

/** A packaged working_dir, ready to upload. */
export interface WorkingDirPackage {
  /** `gcs://_ray_pkg_<hex>.zip`: what runtime_env.working_dir points at. */
  uri: string;
  /** The zip archive, in a temporary folder until {@link WorkingDirPackage.remove}. */
  zip: PackageFile;
  /** Packaged paths, sorted. */
  files: string[];
  /** Deletes the archive and its temporary folder. */
  remove(): Promise<void>;
}

/** Options of {@link packageWorkingDir}. */
export interface PackageOptions {
  /** gitignore-style patterns relative to the directory (runtime_env `excludes`). */
  excludes?: readonly string[];
  /** Files added at the archive root, e.g. a generated builder module. */
  extraFiles?: Readonly<Record<string, string>>;
  /** @default MAX_PACKAGE_BYTES */
  maxBytes?: number;
  /** @default 'store' (see {@link PackageCompression} for why) */
  compression?: PackageCompression;
}

/**
 * Zips `dir` deterministically (sorted entries, fixed timestamps) into a temporary file and names
 * the archive after a hash of its paths and contents, so an unchanged plugin maps to the same
 * `gcs://` URI and is neither uploaded again nor redeployed. Each file is read once, for the
 * hash and the archive together, through a fixed-size buffer: memory stays flat whatever the
 * size of the files. The name depends on the content only, not on the compression.
 */
export async function packageWorkingDir(
  dir: string,
  options: PackageOptions = {},
): Promise<WorkingDirPackage> {
  const { root, paths: found } = await collectFiles(dir, options.excludes);
  const generated = new Map(
    Object.entries(options.extraFiles ?? {}).map(([path, text]) => [
      path,
      new TextEncoder().encode(text),
    ]),
  );
  const paths = [...new Set([...found, ...generated.keys()])].sort();

  const tempDir = await mkdtemp(join(tmpdir(), 'synapse-package-'));
  const remove = () => rm(tempDir, { recursive: true, force: true });
  const zipPath = join(tempDir, 'package.zip');
  let packer: Packer | undefined;
  try {
    packer = new Packer(zipPath, options.compression ?? 'store');
    const maxBytes = options.maxBytes ?? MAX_PACKAGE_BYTES;
    const hash = createHash('sha1');
    for (const path of paths) {
      const content = generated.get(path);
      const digest = content
        ? packer.addContent(path, content)
        : await packer.addFile(path, `${root}/${path}`, maxBytes);
      hash.update(path, 'utf8').update('\0').update(digest);
      if (packer.bytesWritten > maxBytes) throw tooLarge(dir, maxBytes, root, paths, packer.sizes);
    }
    const byteLength = packer.finish();
    return {
      uri: `gcs://_ray_pkg_${hash.digest('hex').slice(0, 16)}.zip`,
      zip: { path: zipPath, byteLength },
      files: paths,
      remove,
    };
  } catch (error) {
    packer?.abort();
    await remove();
    throw error;
  }
}

/** Feeds files into a {@link ZipWriter}, returning each file's SHA-1 for the package name. */
class Packer {
  private readonly writer: ZipWriter;
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly slicer = new TimeSlicer();
  /** Sizes of the files added so far, in order, for the error that lists the largest. */
  public readonly sizes: number[] = [];

  public constructor(
    zipPath: string,
    private readonly compression: PackageCompression,
  ) {
    this.writer = new ZipWriter(zipPath);
  }

  public get bytesWritten(): number {
    return this.writer.offset;
  }

  public addContent(path: string, content: Uint8Array): Buffer {
    this.sizes.push(content.byteLength);
    const deflated = this.deflateIfWorth(path, content);
    const data = deflated ?? content;
    this.writer.addEntry(
      path,
      deflated ? 8 : 0,
      { crc: crc32(content), compressedSize: data.byteLength, size: content.byteLength },
      data,
    );
    return oneShotHash('sha1', content, 'buffer');
  }

  public async addFile(path: string, absPath: string, maxBytes: number): Promise<Buffer> {
    await this.slicer.pause();
    let fd: number;
    try {
      fd = openSync(absPath, 'r');
    } catch (error) {
      throw unreadable(absPath, error);
    }
    try {
      // A short read of a regular file means its end: no stat needed for the small ones.
      const read = readUpTo(fd, this.buffer, CHUNK_BYTES, absPath);
      if (read < CHUNK_BYTES) return this.addContent(path, this.buffer.subarray(0, read));
      return await this.addLargeFile(path, absPath, fd, maxBytes);
    } finally {
      closeSync(fd);
    }
  }

  public finish(): number {
    return this.writer.finish();
  }

  /** Closes the archive after an error; the caller deletes it. */
  public abort(): void {
    this.writer.close();
  }

  /** Streams a file larger than the buffer: stored as read, or through a deflate stream. */
  private async addLargeFile(
    path: string,
    absPath: string,
    fd: number,
    maxBytes: number,
  ): Promise<Buffer> {
    const size = fstatSync(fd).size;
    const hash = createHash('sha1');
    let chunk = this.buffer; // the first CHUNK_BYTES, already read
    const method: ZipMethod = this.deflateIfWorth(path, chunk.subarray(0, SAMPLE_BYTES)) ? 8 : 0;
    const deflater = method === 8 ? new StreamingDeflater(this.writer) : undefined;
    this.writer.beginEntry(path, method, { crc: 0, compressedSize: size, size });
    let crc = 0;
    let read = 0;
    while (chunk.byteLength > 0) {
      hash.update(chunk);
      crc = crc32(chunk, crc);
      read += chunk.byteLength;
      if (deflater) await deflater.write(Buffer.from(chunk));
      else this.writer.write(chunk);
      if (this.writer.offset > maxBytes) break; // the caller reports the size
      await this.slicer.pause();
      chunk = this.buffer.subarray(0, readUpTo(fd, this.buffer, CHUNK_BYTES, absPath));
    }
    const compressedSize = deflater ? await deflater.end() : read;
    this.writer.endEntry({ crc, compressedSize, size: read });
    this.sizes.push(Math.max(size, read));
    return hash.digest();
  }

  private deflateIfWorth(path: string, data: Uint8Array): Buffer | undefined {
    if (this.compression !== 'deflate' || !worthDeflating(path, data.byteLength)) return undefined;
    const deflated = deflateRawSync(data, { level: DEFLATE_LEVEL });
    return deflatesWell(data.byteLength, deflated.byteLength) ? deflated : undefined;
  }
}

/** zlib's deflate stream, its output appended to the open zip entry. */
class StreamingDeflater {
  private readonly stream = createDeflateRaw({ level: DEFLATE_LEVEL });
  private written = 0;

  public constructor(writer: ZipWriter) {
    this.stream.on('data', (out: Buffer) => {
      writer.write(out);
      this.written += out.byteLength;
    });
  }

  public async write(data: Buffer): Promise<void> {
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }

  /** Flushes the stream; resolves to the number of deflated bytes. */
  public async end(): Promise<number> {
    this.stream.end();
    await once(this.stream, 'end');
    return this.written;
  }
}

/** Reads up to `length` bytes from the start of the remaining file into `buffer`. */
function readUpTo(fd: number, buffer: Buffer, length: number, absPath: string): number {
  let read = 0;
  try {
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, null);
      if (n === 0) break;
      read += n;
    }
  } catch (error) {
    throw unreadable(absPath, error);
  }
  return read;
}

function unreadable(absPath: string, error: unknown): PackageError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new PackageError(
    `${absPath} cannot be read (${code}); fix its permissions or exclude it with .gitignore or runtime_env.excludes`,
    { cause: error },
  );
}

function tooLarge(
  dir: string,
  limit: number,
  root: string,
  paths: readonly string[],
  knownSizes: readonly number[],
): PackageError {
  const sizes = paths.map((path, index) => ({
    path,
    size: knownSizes[index] ?? statSync(`${root}/${path}`, { throwIfNoEntry: false })?.size ?? 0,
  }));
  const total = sizes.reduce((sum, f) => sum + f.size, 0);
  const largest = sizes
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map((f) => `${f.path} (${mib(f.size)})`)
    .join(', ');
  return new PackageError(
    `${dir} packs to more than Ray's ${mib(limit)} upload limit: its files add up to ${mib(total)}; largest files: ${largest}. ` +
      'Exclude data and model files with .gitignore or runtime_env.excludes in config.yaml, and load models at runtime',
  );
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
