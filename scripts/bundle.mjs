// Build step after tsc: bundles what runs at every `ksa` start into a few files, because Node's
// ESM loader costs about 1-2 ms per module and the CLI + zod + a plugin + its driver are ~300
// modules (bench/RESULTS.md has the before/after). dist/ stays as tsc wrote it (types, the
// `@kubestack/ksa/sdk` and `@kubestack/ksa/testing` exports, tests); bin/ksa.js prefers dist/bundle when present.
//   dist/bundle/{cli,prewarm,worker-entry,child-entry}.js + shared chunks beside them (code splitting keeps
//     the lazy imports lazy and gives the CLI and the prewarm module one shared state)
//   dist/bundle/plugins/<id>.js: each built-in plugin with the SDK and its driver
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'bundle');
rmSync(out, { recursive: true, force: true });

// CommonJS dependencies (commander, ioredis, ...) call require(): give the ESM bundle one.
const banner = { js: "import { createRequire as __ksaRequire } from 'node:module'; const require = __ksaRequire(import.meta.url);" };
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, logLevel: 'warning', legalComments: 'none' };

await build({
  ...common,
  entryPoints: {
    cli: join(dist, 'src/cli/main.js'),
    prewarm: join(dist, 'src/core/isolation/prewarm.js'),
    'worker-entry': join(dist, 'src/core/isolation/worker-entry.js'),
    'child-entry': join(dist, 'src/core/isolation/child-entry.js'),
  },
  outdir: out,
  splitting: true,
  chunkNames: '[name]-[hash]', // beside the entries: hosts are found relative to the module
});

const manifests = JSON.parse(readFileSync(join(dist, 'manifest-index.json'), 'utf8'));
await build({
  ...common,
  entryPoints: Object.fromEntries(manifests.filter((m) => m.entry).map((m) => [m.id, join(dist, m.entry)])),
  outdir: join(out, 'plugins'),
  // Optional native addons the drivers probe for and do without.
  external: ['pg-native', 'cardinal'],
});
process.stdout.write(`bundle: cli, hosts and ${manifests.map((m) => m.id).join(', ')}\n`);
