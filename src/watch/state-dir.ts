// Where the watcher keeps its state when --state-dir is not given: the XDG state directory
// ($XDG_STATE_HOME/ksa, else ~/.local/state/ksa), overridden by KSA_STATE_DIR.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The state dir, in order: the --state-dir value, $KSA_STATE_DIR, $XDG_STATE_HOME/ksa (when
 * absolute, as the XDG spec requires), ~/.local/state/ksa. Always an absolute path.
 */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (flag) return resolve(flag);
  if (env.KSA_STATE_DIR) return resolve(env.KSA_STATE_DIR);
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'ksa');
  return join(home, '.local', 'state', 'ksa');
}
