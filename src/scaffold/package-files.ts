// Package-level files of a scaffolded plugin: package.json, plugin.yaml, tsconfig, README.
import { PACKAGE_NAME } from '../core/versions.js';
import type { PluginNames } from './names.js';

export interface ScaffoldContext extends PluginNames {
  /** The running ksa's root relative to the plugin directory: the dev dependency on ksa points here. */
  ksaPath: string;
  ksaVersion: string;
}

export function packageJson(c: ScaffoldContext): string {
  return `${JSON.stringify({
    name: c.id,
    version: '0.1.0',
    description: `ksa plugin: ${c.title} diagnostics`,
    type: 'module',
    license: 'Apache-2.0',
    keywords: ['ksa-plugin', c.middleware],
    files: ['dist', 'plugin.yaml', 'README.md'],
    engines: { node: '>=20' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'vitest run',
      prepublishOnly: 'npm run build && npm test',
    },
    peerDependencies: { [PACKAGE_NAME]: `>=${c.ksaVersion}` },
    devDependencies: {
      [PACKAGE_NAME]: `file:${c.ksaPath}`,
      '@types/node': '^20.19.0',
      typescript: '^5.9.0',
      vitest: '^4.1.0',
    },
  }, null, 2)}\n`;
}

export function pluginYaml(c: ScaffoldContext): string {
  return `# The manifest: ksa reads and validates it before any plugin code runs.
# Field reference: ksa's docs/PLUGINS.md ("Manifest fields").
id: ${c.id}
name: ${c.title} Diagnostics
version: 0.1.0
apiVersion: 1
type: middleware
middleware: ${c.middleware}
# Port used when an endpoint has none (ksa diagnose ${c.middleware} host); the code reads it as
# ctx.defaultPort, so this is the one place to change it.
defaultPort: 9000
entry: ./dist/index.js
description: ${c.title} reachability and connect latency (scaffolded by ksa plugin new)
capabilities: [health-check, metrics, diagnose]
categories: [connection]
# Every check id in the code; the contract test fails when they drift apart.
checks: [${c.middleware}.connection.latency]
# Threshold override keys (ksa.yaml \`thresholds:\`, --threshold): the ids of the code's defineThreshold
# specs. Anything else is refused before the plugin runs; the contract test keeps the two in step.
thresholds: [${c.middleware}.connection.latency]
# Every operation the plugin sends, whole: an entry admits exactly its words, a trailing * admits
# arguments ("STATS *"); the guard refuses anything else. Operations with a side effect belong to
# the mutating action that sends them: actions: [{name: reset, mutating: true, operations: [STATS RESET]}]
operations: [TCP_CONNECT]
actions: []
requires: []
supportedVersions: []
# Options: the target.options keys your code reads (ksa.yaml \`options:\`, --option key=value). ksa
# checks and types them before your code runs and refuses undeclared ones; \`flag:\` makes one a
# \`ksa diagnose ${c.middleware}\` flag; \`secret: true\` redacts it everywhere. Reference: docs/PLUGINS.md.
# options:
#   probes: { type: integer, min: 1, max: 10, default: 1, flag: probes, valueName: n, description: connect attempts to time }
`;
}

export function tsconfig(): string {
  return `${JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      outDir: 'dist',
      rootDir: 'src',
      types: ['node'],
    },
    include: ['src/**/*.ts'],
  }, null, 2)}\n`;
}

export function gitignore(): string {
  return 'node_modules/\ndist/\n';
}

export function readme(c: ScaffoldContext): string {
  return `# ${c.id}

A [ksa](https://github.com/) plugin that diagnoses **${c.title}**. Scaffolded by \`ksa plugin new ${c.middleware}\`:
it measures TCP connect latency, which works against any server, so you can run it right away and
then replace \`src/collect.ts\` and \`src/checks/\` with ${c.title}'s own protocol.

\`\`\`sh
npm install          # links the ksa you scaffolded with (devDependency file:...)
npm run build        # tsc -> dist/
npm test             # the contract tests (@kubestack/ksa/testing)
ksa plugin validate .
ksa --plugin . diagnose ${c.middleware} 127.0.0.1:9000
\`\`\`

Layout: \`plugin.yaml\` (manifest), \`src/index.ts\` (defineMiddlewarePlugin), \`src/connect.ts\`,
\`src/collect.ts\` (I/O only, returns plain JSON), \`src/snapshot.ts\` (its type),
\`src/thresholds.ts\`, \`src/checks/<category>.ts\` (pure checks), \`test/contract.test.ts\`.

Rules the contract test enforces: the manifest lists exactly the code's categories, checks and
actions; every driver call goes through the operation guard; \`ctx.signal\` cancels I/O; findings
are schema-valid. Publish with \`npm publish\`; users install with \`ksa plugin install ${c.id}\`.
`;
}
