// man/ksa.1 from the commander program and the built-in manifests, through the real CLI
// (`ksa __man`, src/cli/man/man-page.ts). `node scripts/gen-man.mjs` writes it (npm run docs:man,
// after npm run build); `--check` only compares and exits 1 when the page is stale.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MAN_PAGE = join(root, 'man', 'ksa.1');

export function generatedManPage() {
  return execFileSync(process.execPath, [join(root, 'bin/ksa.js'), '__man'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const page = generatedManPage();
  if (process.argv.includes('--check')) {
    if (!existsSync(MAN_PAGE) || readFileSync(MAN_PAGE, 'utf8') !== page) {
      process.stderr.write(`stale ${relative(root, MAN_PAGE)} (run npm run build && npm run docs:man)\n`);
      process.exit(1);
    }
    process.stdout.write('man page is up to date\n');
  } else {
    mkdirSync(dirname(MAN_PAGE), { recursive: true });
    writeFileSync(MAN_PAGE, page);
    process.stdout.write(`wrote ${relative(root, MAN_PAGE)}\n`);
  }
}
