import { closeSync, openSync, writeSync } from 'node:fs';

import { PackageError } from './package-error.js';

/** Compression method of a zip entry: 0 stored, 8 deflated. */
export type ZipMethod = 0 | 8;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const UTF8_NAMES = 0x0800;
// 1980-01-01 00:00:00 in MS-DOS format: fixed, so equal content gives equal bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_MADE_BY_UNIX = (3 << 8) | 45;
const REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;
const MAX_UINT32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;
const BUFFER_BYTES = 1024 * 1024;

interface OpenEntry {
  name: Buffer;
  flags: number;
  method: ZipMethod;
  expected: EntryInfo;
  headerOffset: number;
}

/** A finished entry's sizes and checksum. */
export interface EntryInfo {
  crc: number;
  compressedSize: number;
  size: number;
}

/**
 * Writes a zip archive to a file, entry by entry, through one reused buffer: memory stays flat
 * whatever the archive size. Entries get fixed timestamps and permissions, so the same entries
 * in the same order give the same bytes. Local headers carry sizes and CRC (no data
 * descriptors), which every unzip, Python's `zipfile` included, reads; more than 65,535 entries
 * get the zip64 end records.
 */
export class ZipWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private buffered = 0;
  /** The central directory, serialized as entries end (no object per entry stays behind). */
  private readonly central = new BlockBuffer();
  private entries = 0;
  private closed = false;
  private open: OpenEntry | undefined;
  /** Bytes written so far, buffered ones included. */
  public offset = 0;

  public constructor(path: string) {
    this.fd = openSync(path, 'wx');
  }

  /** Adds a whole entry whose data (stored or already deflated) is in memory. */
  public addEntry(name: string, method: ZipMethod, info: EntryInfo, data: Uint8Array): void {
    this.beginEntry(name, method, info);
    this.write(data);
    this.endEntry(info);
  }

  /**
   * Starts an entry whose data follows through {@link write}; {@link endEntry} then patches
   * the header with the final CRC and sizes.
   */
  public beginEntry(name: string, method: ZipMethod, expected: EntryInfo): void {
    const nameBytes = Buffer.from(name, 'utf8');
    // Names are paths (at most 4,096 bytes on Linux), so they always fit the 16-bit length.
    const flags = nameBytes.length === name.length ? 0 : UTF8_NAMES;
    this.open = { name: nameBytes, flags, method, expected, headerOffset: this.offset };
    const header = this.reserve(30 + nameBytes.length);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(versionNeeded(method), 4);
    header.writeUInt16LE(flags, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt32LE(expected.crc >>> 0, 14);
    header.writeUInt32LE(expected.compressedSize, 18);
    header.writeUInt32LE(expected.size, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    nameBytes.copy(header, 30);
  }

  /** Appends entry data. */
  public write(data: Uint8Array): void {
    if (data.byteLength >= BUFFER_BYTES / 2) {
      this.flush();
      writeAll(this.fd, data);
      this.offset += data.byteLength;
      return;
    }
    this.reserve(data.byteLength).set(data);
  }

  /** Ends the open entry; rewrites its header when the final values differ from the expected. */
  public endEntry(info: EntryInfo): void {
    const open = this.open;
    if (!open) throw new Error('no zip entry is open');
    this.open = undefined;
    if (info.size > MAX_UINT32 || info.compressedSize > MAX_UINT32 || this.offset > MAX_UINT32) {
      throw new PackageError(
        `${open.name.toString('utf8')} makes the package larger than 4 GiB, which a package cannot be; exclude large files with .gitignore or runtime_env.excludes`,
      );
    }
    this.addCentralRecord(open, info);
    const { expected } = open;
    if (
      expected.crc === info.crc &&
      expected.compressedSize === info.compressedSize &&
      expected.size === info.size
    ) {
      return;
    }
    this.flush();
    const patch = Buffer.allocUnsafe(12);
    patch.writeUInt32LE(info.crc >>> 0, 0);
    patch.writeUInt32LE(info.compressedSize, 4);
    patch.writeUInt32LE(info.size, 8);
    writeSync(this.fd, patch, 0, 12, open.headerOffset + 14);
  }

  /** Writes the central directory and the end records, and closes the file; returns its size. */
  public finish(): number {
    const start = this.offset;
    this.flush();
    for (const block of this.central.blocks()) writeAll(this.fd, block);
    this.offset += this.central.length;
    const size = this.offset - start;
    const count = this.entries;
    if (count > MAX_ENTRIES) {
      const zip64At = this.offset;
      const end64 = this.reserve(56 + 20);
      end64.writeUInt32LE(ZIP64_END_OF_CENTRAL_DIRECTORY, 0);
      end64.writeBigUInt64LE(44n, 4); // size of the rest of this record
      end64.writeUInt16LE(VERSION_MADE_BY_UNIX, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeUInt32LE(0, 16);
      end64.writeUInt32LE(0, 20);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(size), 40);
      end64.writeBigUInt64LE(BigInt(start), 48);
      end64.writeUInt32LE(ZIP64_LOCATOR, 56);
      end64.writeUInt32LE(0, 60);
      end64.writeBigUInt64LE(BigInt(zip64At), 64);
      end64.writeUInt32LE(1, 72);
    }
    const end = this.reserve(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(Math.min(count, MAX_ENTRIES), 8);
    end.writeUInt16LE(Math.min(count, MAX_ENTRIES), 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    end.writeUInt16LE(0, 20);
    this.flush();
    this.close();
    return this.offset;
  }

  /** Closes the file; without {@link finish} first the archive is incomplete (after an error). */
  public close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private addCentralRecord(open: OpenEntry, info: EntryInfo): void {
    const header = this.central.reserve(46 + open.name.length);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(VERSION_MADE_BY_UNIX, 4);
    header.writeUInt16LE(versionNeeded(open.method), 6);
    header.writeUInt16LE(open.flags, 8);
    header.writeUInt16LE(open.method, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(info.crc >>> 0, 16);
    header.writeUInt32LE(info.compressedSize, 20);
    header.writeUInt32LE(info.size, 24);
    header.writeUInt16LE(open.name.length, 28);
    header.fill(0, 30, 38); // extra field and comment lengths, disk, internal attributes
    header.writeUInt32LE(REGULAR_FILE_0644, 38);
    header.writeUInt32LE(open.headerOffset, 42);
    open.name.copy(header, 46);
    this.entries++;
  }

  /** Space for `bytes` more bytes in the buffer, flushing it first when full. */
  private reserve(bytes: number): Buffer {
    if (this.buffered + bytes > BUFFER_BYTES) this.flush();
    const slice = this.buffer.subarray(this.buffered, this.buffered + bytes);
    this.buffered += bytes;
    this.offset += bytes;
    return slice;
  }

  private flush(): void {
    if (this.buffered > 0) writeAll(this.fd, this.buffer.subarray(0, this.buffered));
    this.buffered = 0;
  }
}

function versionNeeded(method: ZipMethod): number {
  return method === 8 ? 20 : 10;
}

/** Bytes appended in fixed-size blocks, so a growing directory never copies itself. */
class BlockBuffer {
  private static readonly BLOCK_BYTES = 64 * 1024;
  private readonly full: Buffer[] = [];
  private current = Buffer.allocUnsafe(BlockBuffer.BLOCK_BYTES);
  private used = 0;
  public length = 0;

  /** Space for `bytes` more bytes (at most one block). */
  public reserve(bytes: number): Buffer {
    if (this.used + bytes > this.current.length) {
      this.full.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(BlockBuffer.BLOCK_BYTES, bytes));
      this.used = 0;
    }
    const slice = this.current.subarray(this.used, this.used + bytes);
    this.used += bytes;
    this.length += bytes;
    return slice;
  }

  public blocks(): Buffer[] {
    return [...this.full, this.current.subarray(0, this.used)];
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let written = 0;
  while (written < data.byteLength) {
    written += writeSync(fd, data, written, data.byteLength - written);
  }
}
