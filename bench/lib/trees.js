// Plugin directories to package, generated deterministically (same seed, same bytes) into the
// ignored .bench/ folder. They look like real plugins: mostly small Python and config files that
// deflate well, a root .gitignore with a few ignored files, and a few large weight-like files of
// float32 noise that deflate badly.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Bumped whenever the generator changes, so stale trees are rebuilt. */
const GENERATOR_VERSION = 3;

/**
 * The two trees of issue 14, ~100 MB in 4,512 files and 92 MB in 45,000 files, and a smaller
 * one for CI. Counts are of the files a packager keeps; `ignored` files (matched by the root
 * .gitignore) come on top.
 */
export const TREES = {
  'plugin-100mb': {
    label: '~100 MB, 4,512 files',
    seed: 14,
    sourceFiles: 4_501,
    sourceBytes: 27_000_000,
    weights: [16_000_000, 16_000_000, 12_000_000, 12_000_000, 8_000_000, 6_000_000, 3_000_000],
    ignored: 24,
  },
  'plugin-45k-files': {
    label: '92 MB, 45,000 files',
    seed: 45,
    sourceFiles: 44_992,
    sourceBytes: 68_000_000,
    weights: [8_000_000, 8_000_000, 4_000_000, 4_000_000],
    ignored: 120,
  },
  // The CI check's stand-in for the 45,000-file tree: Ray takes half a minute on that one.
  'plugin-15k-files': {
    label: '31 MB, 15,000 files',
    seed: 15,
    sourceFiles: 14_992,
    sourceBytes: 23_000_000,
    weights: [2_000_000, 2_000_000, 2_000_000, 2_000_000],
    ignored: 40,
  },
};

/** A seeded PRNG (mulberry32): the same seed gives the same tree on every machine. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'self model config data batch tensor device input output result value items index name path ' +
  'request response image label score logits predict preprocess postprocess load save weights ' +
  'layer hidden size shape dtype float int str list dict none true false return yield async ' +
  'await import from class def with open json yaml numpy torch transform resize normalize mean ' +
  'std threshold boxes mask token vocab encode decode cache client session handler route app'
).split(' ');

function identifier(next) {
  const a = WORDS[Math.floor(next() * WORDS.length)];
  const b = WORDS[Math.floor(next() * WORDS.length)];
  return next() < 0.5 ? a : `${a}_${b}`;
}

/** One line of Python-looking code. */
function codeLine(next) {
  const indent = '    '.repeat(Math.floor(next() * 3));
  const kind = next();
  if (kind < 0.1) return `${indent}def ${identifier(next)}(self, ${identifier(next)}):`;
  if (kind < 0.15)
    return `${indent}class ${identifier(next).replace(/(^|_)(\w)/g, (_, __, c) => c.toUpperCase())}:`;
  if (kind < 0.3) return `${indent}# ${identifier(next)} ${identifier(next)} ${identifier(next)}`;
  if (kind < 0.45)
    return `${indent}return ${identifier(next)}.${identifier(next)}(${identifier(next)})`;
  if (kind < 0.55) return `${indent}if ${identifier(next)} is None:`;
  if (kind < 0.6) return '';
  const n = Math.floor(next() * 1000);
  return `${indent}${identifier(next)} = ${identifier(next)}.${identifier(next)}(${identifier(next)}, ${n})`;
}

function sourceText(next, bytes) {
  const lines = [];
  let size = 0;
  while (size < bytes) {
    const line = codeLine(next);
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`.slice(0, bytes);
}

/** float32 values around zero, like trained weights: random mantissas deflate badly. */
function weightBytes(next, bytes) {
  const values = new Float32Array(Math.ceil(bytes / 4));
  for (let i = 0; i < values.length; i++) {
    values[i] = (next() + next() + next() - 1.5) * 0.05;
  }
  return Buffer.from(values.buffer, 0, bytes);
}

/** Sizes summing to `total`, skewed like a real repo: many tiny files, a few larger ones. */
function fileSizes(next, count, total) {
  const raw = Array.from({ length: count }, () => Math.exp(next() * 3.5));
  const scale = total / raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((r) => Math.max(1, Math.round(r * scale)));
  sizes[0] += total - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

function write(root, relPath, content) {
  const abs = join(root, relPath);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

function generate(root, spec) {
  const next = random(spec.seed);
  write(root, '.gitignore', '__pycache__/\n*.pyc\n/logs/\n.ipynb_checkpoints/\n');
  write(root, 'config.yaml', 'name: Bench Model\ncode: bench-model\nversion: 1.0.0\n');
  write(root, 'requirements.txt', 'numpy==2.1.0\npillow==11.0.0\n');
  write(
    root,
    'serve_app.py',
    'class Model:\n    def __call__(self, request):\n        return {}\n',
  );
  const fixedBytes = ['.gitignore', 'config.yaml', 'requirements.txt', 'serve_app.py'].reduce(
    (sum, p) => sum + readFileSync(join(root, p)).length,
    0,
  );

  const sizes = fileSizes(next, spec.sourceFiles, spec.sourceBytes - fixedBytes);
  const perDir = 40;
  sizes.forEach((size, i) => {
    const pkg = `pkg_${Math.floor(i / (perDir * perDir)) % 100}`;
    const sub = `mod_${Math.floor(i / perDir) % perDir}`;
    const kind = next();
    const ext = kind < 0.75 ? 'py' : kind < 0.9 ? 'json' : kind < 0.97 ? 'md' : 'txt';
    write(root, `src/${pkg}/${sub}/${identifier(next)}_${i}.${ext}`, sourceText(next, size));
  });
  spec.weights.forEach((size, i) => {
    write(root, `weights/shard-${String(i).padStart(5, '0')}.safetensors`, weightBytes(next, size));
  });
  for (let i = 0; i < spec.ignored; i++) {
    const path = i % 2 === 0 ? `logs/run-${i}.log` : `src/__pycache__/m${i}.cpython-312.pyc`;
    write(root, path, sourceText(next, 200));
  }
}

/**
 * Returns the path of tree `name` under `baseDir`, generating it first when it is missing or was
 * made by another generator version.
 */
export function ensureTree(baseDir, name) {
  const spec = TREES[name];
  if (!spec) throw new Error(`unknown tree ${name}; one of ${Object.keys(TREES).join(', ')}`);
  const root = join(baseDir, name);
  const marker = join(baseDir, `${name}.complete`);
  const wanted = JSON.stringify({ version: GENERATOR_VERSION, spec });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return root;
  rmSync(root, { recursive: true, force: true });
  rmSync(marker, { force: true });
  generate(root, spec);
  writeFileSync(marker, wanted);
  return root;
}
