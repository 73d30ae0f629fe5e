// Main script of the single executable (Node's SEA runs one CommonJS script: scripts/build-sea.mjs
// bundles this file). The same binary is the CLI and, re-executed by child-transport.ts with the
// env marker, a child-process plugin host; worker hosts are embedded code (worker-host.ts).
import { SEA_CHILD_HOST_ENV, setEmbeddedPackage } from '../core/embedded.js';
import { seaPackage } from './assets.js';

const pkg = seaPackage();
setEmbeddedPackage(pkg);

if (process.env[SEA_CHILD_HOST_ENV]) {
  // The markers are ksa's, not the plugin's: whatever the plugin spawns must not inherit them.
  delete process.env[SEA_CHILD_HOST_ENV];
  delete process.env.NODE_OPTIONS;
  void import('../core/isolation/child-entry.js');
} else {
  void runCli();
}

/** What bin/ksa.js does for the npm package: answer --version at once, run the CLI, exit once output is flushed. */
async function runCli(): Promise<void> {
  const argv = process.argv.slice(2); // argv[1] is the executable again
  const version = (JSON.parse(pkg.read('package.json') ?? '{}') as { version?: string }).version ?? '0.0.0';
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  const { main } = await import('../cli/main.js');
  const code = await main(argv, version);
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
