import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';

/** Where the inputs of {@link defaultStateDir} come from; each defaults to this process's. */
export interface StateDirInputs {
  env?: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The directory synapse keeps its state in (run journals, kept packages):
 * `SYNAPSE_STATE_DIR` when set, else the platform's convention for application state —
 * `$XDG_STATE_HOME/synapse` (default `~/.local/state/synapse`) on Linux and other Unixes,
 * `~/Library/Application Support/synapse` on macOS, `%LOCALAPPDATA%\synapse\state` on Windows.
 */
export function defaultStateDir(inputs: StateDirInputs = {}): string {
  const env = inputs.env ?? process.env;
  const platform = inputs.platform ?? process.platform;
  const home = inputs.home ?? homedir();
  const explicit = env['SYNAPSE_STATE_DIR'];
  if (explicit) return resolve(explicit);
  if (platform === 'win32') {
    const local = env['LOCALAPPDATA'] || win32.join(home, 'AppData', 'Local');
    return win32.join(local, 'synapse', 'state');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'synapse');
  // XDG: a relative XDG_STATE_HOME is invalid and must be ignored.
  const xdg = env['XDG_STATE_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : posix.join(home, '.local', 'state');
  return posix.join(base, 'synapse');
}
