// Where a target's password lives when it can change under a running watcher: a file (a mounted
// Kubernetes Secret is rewritten in place on rotation) or a variable. Read again every cycle by
// the target's session (core/target-session.ts); a literal or URL password never changes.
import { readPasswordFile } from './secrets.js';
import type { TargetConfig } from './schema.js';

export function passwordReader(target: TargetConfig, env: NodeJS.ProcessEnv): (() => string | undefined) | undefined {
  const file = target.auth?.passwordFile;
  if (file !== undefined) return () => readPasswordFile(file);
  const name = target.auth?.passwordEnv;
  if (name !== undefined) return () => env[name];
  return undefined;
}
