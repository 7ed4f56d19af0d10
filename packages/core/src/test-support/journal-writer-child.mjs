// Child process of the journal durability tests: appends entries (or stores blobs) to the store
// in argv[2] as fast as it can, and prints each one's number (or hash) on stdout once the
// store said it is durable. The test kills it with SIGKILL at some moment and reopens.
import { randomBytes } from 'node:crypto';

import { FileJournalStore } from '../../dist/index.js';

const [dir, mode, runId] = process.argv.slice(2);
const store = new FileJournalStore(dir);

if (mode === 'entries') {
  const journal = await store.openRun(runId);
  await journal.append({
    type: 'session',
    mode: 'run',
    host: 'h',
    pid: process.pid,
    meta: {},
    steps: [],
  });
  // Large lines: a kill is then likely to land inside a write.
  const padding = 'x'.repeat(64 * 1024);
  for (let i = 0; ; i++) {
    const entry = await journal.append({
      type: 'step:write-ahead',
      step: 'deploy',
      kind: 'test/fill',
      rollbackData: { i, padding },
    });
    process.stdout.write(`${entry.seq}\n`);
  }
} else if (mode === 'blobs') {
  for (;;) {
    const ref = await store.putBlob(randomBytes(256 * 1024));
    process.stdout.write(`${ref.sha256}\n`);
  }
}
