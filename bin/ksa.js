#!/usr/bin/env node
// Tiny shim: `--version` answers without loading anything (it is called by scripts in loops);
// everything else runs the compiled CLI, then exits explicitly once output is flushed, because
// drivers can leave sockets open for minutes and a CI gate must not wait for them.
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${version}\n`);
} else {
  let main;
  try {
    ({ main } = await import('../dist/src/cli/main.js'));
  } catch (error) {
    process.stderr.write(`ksa: KSA_ERR_INTERNAL cannot load the CLI (${error.code ?? error.message}): run \`npm run build\` first\n`);
    process.exit(3);
  }
  const code = await main(argv, version);
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
