// Child process of the lock test: holds the cluster lock for a while and records when.
import { appendFileSync } from 'node:fs';

import { withClusterLock } from '../../dist/index.js';

const [address, journal, holdMs, rounds] = process.argv.slice(2);
for (let i = 0; i < Number(rounds); i++) {
  await withClusterLock(address, async () => {
    appendFileSync(journal, `enter ${process.pid} ${Date.now()}\n`);
    await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
    appendFileSync(journal, `exit ${process.pid} ${Date.now()}\n`);
  });
}
