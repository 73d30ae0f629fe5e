// Builds dist/sea/ksa: a single executable (Node's SEA) for hosts without Node. Runs after
// `npm run build` (the npm script `build:sea` does both). Node 20 runs one CommonJS main script,
// so the CLI is bundled again as CJS; everything else a run needs is embedded as SEA assets under
// its package-relative path (src/core/embedded.ts reads them):
//   package.json (the version), dist/manifest-index.json, sea/worker-host.cjs (the worker
//   host, evaluated as worker code) and dist/<manifest entry> for each built-in plugin (CJS:
//   the plugin, the SDK and its driver). The child-process host is the executable itself.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import postject from 'postject';

const started = Date.now();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'sea');
const work = join(out, 'build');
const binary = join(out, 'ksa');
// Stays in sync with @types/node's "node:sea" and Node: assets arrived in 20.12.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) throw new Error(`build-sea needs Node >= 20.12 (SEA assets); this is ${process.version}`);
if (!existsSync(join(dist, 'src/sea/main.js')) || !existsSync(join(dist, 'manifest-index.json'))) {
  throw new Error('dist/ is missing: run `npm run build` first (or `npm run build:sea`)');
}
rmSync(out, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
// package.json `files` ships dist/: keep the ~100 MB executable out of the npm tarball.
writeFileSync(join(out, '.npmignore'), '*\n');

// The CJS bundles have no import.meta: stand in the executable's URL (package-root.ts and
// host-entry-url.ts never reach it inside the executable; it only keeps module loading safe).
const common = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', legalComments: 'none',
  define: { 'import.meta.url': '__ksaExecutableUrl' },
  banner: { js: "var __ksaExecutableUrl = require('node:url').pathToFileURL(__filename).href;" },
  external: ['pg-native', 'cardinal'], // optional native addons the drivers probe for and do without
};
await build({ ...common, entryPoints: [join(dist, 'src/sea/main.js')], outfile: join(work, 'main.cjs') });
await build({ ...common, entryPoints: [join(dist, 'src/sea/worker-host.js')], outfile: join(work, 'worker-host.cjs') });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(join(work, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version }));
const assets = {
  'package.json': join(work, 'package.json'),
  'dist/manifest-index.json': join(dist, 'manifest-index.json'),
  'sea/worker-host.cjs': join(work, 'worker-host.cjs'),
};
for (const manifest of JSON.parse(readFileSync(join(dist, 'manifest-index.json'), 'utf8'))) {
  if (!manifest.entry) continue; // a recovery plugin is data only
  const key = posix.join('dist', manifest.entry); // where builtin-entry.ts points below the executable
  const file = join(work, 'plugins', `${manifest.id}.cjs`);
  await build({ ...common, entryPoints: [join(dist, manifest.entry)], outfile: file });
  assets[key] = file;
}

const config = join(work, 'sea-config.json');
const blob = join(work, 'ksa.blob');
// No useCodeCache: it saves ~40 ms per start on Node 20.20, but a main script compiled from the
// cache has no dynamic-import callback, so import() of an external plugin fails in it.
writeFileSync(config, JSON.stringify({ main: join(work, 'main.cjs'), output: blob, disableExperimentalSEAWarning: true, assets }, null, 1));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
copyFileSync(process.execPath, binary);
chmodSync(binary, 0o755);
await postject.inject(binary, 'NODE_SEA_BLOB', readFileSync(blob), {
  sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
});
const mb = (file) => (statSync(file).size / 1048576).toFixed(1);
process.stdout.write(`build-sea: ${binary} ${mb(binary)} MB (node ${process.version} ${mb(process.execPath)} MB + blob ${mb(blob)} MB), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
