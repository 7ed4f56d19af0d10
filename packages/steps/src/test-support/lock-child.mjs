// Child process of the lock test: holds the cluster lock (or, given an app name, that app's
// lock) for a while and records when.
import { appendFileSync } from 'node:fs';

import { withAppLock, withClusterLock } from '../../dist/index.js';

const [address, journal, holdMs, rounds, app] = process.argv.slice(2);
const locked = (fn) => (app ? withAppLock(address, app, fn) : withClusterLock(address, fn));
for (let i = 0; i < Number(rounds); i++) {
  await locked(async () => {
    appendFileSync(journal, `enter ${process.pid} ${Date.now()}\n`);
    await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
    appendFileSync(journal, `exit ${process.pid} ${Date.now()}\n`);
  });
}
