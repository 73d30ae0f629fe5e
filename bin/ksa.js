#!/usr/bin/env node
// Tiny shim: `--version` answers without loading anything (it is called by scripts in loops);
// everything else runs the compiled CLI, then exits explicitly once output is flushed, because
// drivers can leave sockets open for minutes and a CI gate must not wait for them.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
// scripts/bundle.mjs output (a few files instead of ~300 modules); dist/src without it.
const bundled = existsSync(new URL('../dist/bundle/cli.js', import.meta.url));
const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${version}\n`);
} else {
  await prewarmDiagnose(argv);
  let main;
  try {
    ({ main } = await import(bundled ? '../dist/bundle/cli.js' : '../dist/src/cli/main.js'));
  } catch (error) {
    process.stderr.write(`ksa: KSA_ERR_INTERNAL cannot load the CLI (${error.code ?? error.message}): run \`npm run build\` first\n`);
    process.exit(3);
  }
  const code = await main(argv, version);
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

/**
 * `ksa [globals] diagnose <type> ...` for a built-in type: start the plugin's worker now, so its
 * module loading overlaps the CLI's own (see src/core/isolation/prewarm.ts). Best effort: any
 * doubt (another isolation mode, a missing build) and the manager starts the worker as usual.
 */
async function prewarmDiagnose(args) {
  if (args[0] === '__complete') return; // shell completion names commands, it runs none
  const at = args.indexOf('diagnose');
  const type = at >= 0 ? args[at + 1] : undefined;
  if (!type || type.startsWith('-')) return;
  const iso = args.findIndex((a) => a === '--isolation' || a.startsWith('--isolation='));
  const mode = iso < 0 ? 'auto' : args[iso].includes('=') ? args[iso].split('=')[1] : args[iso + 1];
  if (mode !== 'auto' && mode !== 'worker') return;
  try {
    const { prewarmBuiltin } = await import(bundled ? '../dist/bundle/prewarm.js' : '../dist/src/core/isolation/prewarm.js');
    prewarmBuiltin(fileURLToPath(new URL('..', import.meta.url)), type);
  } catch {
    // no build yet: the CLI import below reports it
  }
}
