import { extname } from 'node:path';

/**
 * How package entries are compressed. `'store'` (the default) writes every file as is, like
 * Ray's own packager: packaging then costs little more than reading the files once. Deflate
 * shrinks source 3-4× but barely touches the large files of a plugin (weights: a few percent),
 * so on a typical plugin (the benchmark's 100 MB one) it spends 0.4-0.9 s of CPU for a sixth
 * off the upload: worth it only over links to the dashboard slower than roughly 200 Mbit/s.
 * `'deflate'` suits those (a VPN, `kubectl port-forward`) and packages made mostly of source:
 * files that shrink by 10% or more are deflated (zlib level 6), the rest stored.
 */
export type PackageCompression = 'store' | 'deflate';

/** zlib's own default: most of the gain of level 9 at a fraction of its time. */
export const DEFLATE_LEVEL = 6;

/** A deflated entry is kept only when it saves at least this share of the file. */
const MIN_SAVING = 0.1;

/** Below this size, deflate's own overhead eats the saving. */
const MIN_DEFLATE_BYTES = 256;

/**
 * Formats that are already compressed or are dense binary numbers (weights, archives, media):
 * trying to deflate them only burns CPU.
 */
const INCOMPRESSIBLE_EXTENSIONS = new Set([
  // weights and tensors
  '.safetensors',
  '.bin',
  '.pt',
  '.pth',
  '.ckpt',
  '.onnx',
  '.h5',
  '.hdf5',
  '.npy',
  '.npz',
  '.pb',
  '.tflite',
  '.gguf',
  '.ggml',
  '.msgpack',
  '.joblib',
  '.pkl',
  // archives
  '.zip',
  '.gz',
  '.tgz',
  '.bz2',
  '.xz',
  '.zst',
  '.7z',
  '.rar',
  '.whl',
  '.jar',
  '.egg',
  // media
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.avif',
  '.mp3',
  '.mp4',
  '.m4a',
  '.ogg',
  '.wav',
  '.flac',
  '.avi',
  '.mov',
  '.mkv',
  '.webm',
  '.pdf',
  '.woff',
  '.woff2',
]);

/** Whether a file of this name and size is worth a deflate attempt. */
export function worthDeflating(path: string, size: number): boolean {
  return size >= MIN_DEFLATE_BYTES && !INCOMPRESSIBLE_EXTENSIONS.has(extname(path).toLowerCase());
}

/** Whether `deflatedBytes` out of `size` saves enough to be stored deflated. */
export function deflatesWell(size: number, deflatedBytes: number): boolean {
  return deflatedBytes <= size * (1 - MIN_SAVING);
}
