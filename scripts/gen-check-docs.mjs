// docs/checks/<middleware>.md and docs/checks/README.md from the built-in plugins' declarations,
// read through the real CLI (`ksa explain <plugin ids> --json`) and rendered by
// dist/src/cli/check-docs-markdown.js. `node scripts/gen-check-docs.mjs` writes them (npm run
// docs:checks, after npm run build); `--check` only compares and exits 1 when a page is stale.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCS_DIR = join(root, 'docs', 'checks');

/** Every generated page: absolute path -> content. Installed plugins are kept out (an empty plugin home). */
export async function checkDocFiles() {
  const { checkDocIndex, checkDocPage, docFileName } = await import(pathToFileURL(join(root, 'dist/src/cli/check-docs-markdown.js')).href);
  const home = mkdtempSync(join(tmpdir(), 'ksa-docs-home-'));
  try {
    const ksa = (...args) => JSON.parse(execFileSync(process.execPath, [join(root, 'bin/ksa.js'), '--plugin-home', home, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }));
    // Checks belong to middleware plugins; notifiers and recovery plugins declare none.
    const plugins = ksa('plugin', 'list', '--json').plugins.filter((p) => p.source === 'builtin' && p.type === 'middleware').sort((a, b) => a.id.localeCompare(b.id));
    const { checks } = ksa('explain', ...plugins.map((p) => p.id), '--json');
    const files = new Map();
    const pages = plugins.map((plugin) => {
      const own = checks.filter((c) => c.plugin === plugin.id);
      files.set(join(DOCS_DIR, docFileName(plugin)), checkDocPage(plugin, own));
      return { plugin, checks: own.length };
    });
    files.set(join(DOCS_DIR, 'README.md'), checkDocIndex(pages));
    return files;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Pages whose file is missing or differs from what the declarations generate. */
export async function staleCheckDocs() {
  const stale = [];
  for (const [file, text] of await checkDocFiles()) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) stale.push(relative(root, file));
  }
  return stale;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const stale = await staleCheckDocs();
    if (stale.length > 0) {
      process.stderr.write(`stale check docs (run npm run build && npm run docs:checks): ${stale.join(', ')}\n`);
      process.exit(1);
    }
    process.stdout.write('check docs are up to date\n');
  } else {
    mkdirSync(DOCS_DIR, { recursive: true });
    for (const [file, text] of await checkDocFiles()) writeFileSync(file, text);
    process.stdout.write(`wrote ${relative(root, DOCS_DIR)}/\n`);
  }
}
