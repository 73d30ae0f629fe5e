// vitest globalSetup: start the real test servers (scripts/services.sh) and export their env.
// KSA_SERVICES=external: use servers started elsewhere; KSA_KEEP_SERVICES=1: leave them running.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadServicesEnv, repoRoot } from '../support/services.js';

const script = join(repoRoot, 'scripts', 'services.sh');
const run = (cmd: string, quiet = false) =>
  spawnSync('bash', [script, cmd], { cwd: repoRoot, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] }).status;

export default async function setup(): Promise<() => Promise<void>> {
  let startedHere = false;
  if (process.env.KSA_SERVICES !== 'external' && run('status', true) !== 0) {
    if (run('start') !== 0) throw new Error(`\`bash scripts/services.sh start\` failed`);
    startedHere = true;
  }
  Object.assign(process.env, loadServicesEnv()); // throws a clear error when the env file is missing
  return async () => {
    if (startedHere && !process.env.KSA_KEEP_SERVICES) run('stop');
  };
}
