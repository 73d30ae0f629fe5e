// Files of a scaffolded notifier (`ksa plugin new <name> --type notifier`): a working user hook
// that POSTs each notification as JSON to the receiver's `url`, following every convention
// (ctx.signal and the deadline bound the request, 5xx/429 retry, 4xx fail, the URL is a secret
// option), with the notifier contract test against a local HTTP server.
import { PACKAGE_NAME } from '../core/versions.js';
import type { ScaffoldContext } from './package-files.js';

export function notifierPackageJson(c: ScaffoldContext): string {
  return `${JSON.stringify({
    name: c.id,
    version: '0.1.0',
    description: `ksa notifier plugin: ${c.title}`,
    type: 'module',
    license: 'Apache-2.0',
    keywords: ['ksa-plugin', 'ksa-notifier'],
    files: ['dist', 'plugin.yaml', 'README.md'],
    engines: { node: '>=20' },
    scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run', prepublishOnly: 'npm run build && npm test' },
    peerDependencies: { [PACKAGE_NAME]: `>=${c.ksaVersion}` },
    devDependencies: { [PACKAGE_NAME]: `file:${c.ksaPath}`, '@types/node': '^20.19.0', typescript: '^5.9.0', vitest: '^4.1.0' },
  }, null, 2)}\n`;
}

export function notifierPluginYaml(c: ScaffoldContext): string {
  return `# The manifest: ksa reads and validates it before any plugin code runs.
# A notifier receives notifications (and the watch events behind them) from \`ksa watch\` through
# the routes of ksa.yaml \`notify:\`. Field reference: ksa's docs/NOTIFY.md and docs/PLUGINS.md.
id: ${c.id}
name: ${c.title} Notifier
version: 0.1.0
apiVersion: 1
type: notifier
entry: ./dist/index.js
description: ${c.title} notifier (scaffolded by ksa plugin new --type notifier)
# The receiver settings (ksa.yaml notify.receivers.<name>.config), checked by ksa before your code
# runs; \`secret: true\` redacts a value everywhere (URLs with tokens, passwords).
options:
  url: { type: string, required: true, secret: true, description: where notifications are POSTed }
`;
}

export function notifierReadme(c: ScaffoldContext): string {
  return `# ${c.id}

A [ksa](https://github.com/) notifier plugin, scaffolded by \`ksa plugin new ${c.id.replace(/-notifier$/, '')} --type notifier\`.
It POSTs every notification \`ksa watch\` routes to it as JSON to the receiver's \`url\`: replace
\`src/index.ts\` with your own transport, or keep it as a hook that reacts to watch events.

\`\`\`sh
npm install && npm run build && npm test     # the notifier contract (@kubestack/ksa/testing)
ksa plugin validate .
\`\`\`

\`\`\`yaml
# ksa.yaml
plugins:
  discovery: { packages: [./${c.id}] }
notify:
  receivers:
    mine: { plugin: ${c.id}, config: { url: "\${MY_HOOK_URL}" } }
  routes:
    - { name: everything, receivers: [mine] }
\`\`\`

\`ksa notify test everything\` sends a sample notification through it.
`;
}

export function notifierIndexTs(c: ScaffoldContext): string {
  return `// ${c.id}: default export = the notifier. Everything comes from the public SDK (@kubestack/ksa/sdk).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { defineNotifierPlugin, type DeliveryOutcome } from '@kubestack/ksa/sdk';

export default defineNotifierPlugin({
  info: { id: '${c.id}', version: '0.1.0', name: '${c.title} Notifier' },
  async send(ctx, delivery): Promise<DeliveryOutcome> {
    const url = new URL(String(delivery.config.url));
    const body = JSON.stringify(delivery.notification);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      // ctx.signal aborts at the deadline: the request never outlives the attempt.
      const req = request(url, { method: 'POST', signal: ctx.signal, timeout: Math.max(1, ctx.deadline - Date.now()), headers: {
        'content-type': 'application/json',
        // The same key on every retry: the receiver de-duplicates on it.
        'idempotency-key': delivery.notification.key,
      } }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        // Never put the URL in detail: it is a secret (it may carry a token).
        const detail = \`HTTP \${status}\`;
        if (status >= 200 && status < 300) resolve({ outcome: 'sent', detail, status });
        else if (status === 429 || status >= 500) resolve({ outcome: 'retry', detail, status });
        else resolve({ outcome: 'failed', detail, status });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ outcome: 'retry', detail: \`not delivered (\${e.code ?? e.message})\` }));
      req.end(body);
    });
  },
});
`;
}

export function notifierContractTestTs(): string {
  return `// The notifier contract (@kubestack/ksa/testing): manifest vs code, a firing and a resolved
// notification delivered to a local HTTP server, no secret in the outcome, ctx.signal honoured.
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { testNotifier } from '@kubestack/ksa/testing';
import plugin from '../src/index.js';

let server: Server;
let hanging: TcpServer;
let url = '';
let hangingUrl = '';
beforeAll(async () => {
  server = createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = \`http://127.0.0.1:\${(server.address() as { port: number }).port}/hook?token=secret-token\`;
  hanging = createTcpServer(() => undefined); // accepts, never answers
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
  hangingUrl = \`http://127.0.0.1:\${(hanging.address() as { port: number }).port}/\`;
});
afterAll(() => { server.closeAllConnections(); server.close(); hanging.close(); });

testNotifier({
  module: plugin,
  manifestPath: fileURLToPath(new URL('../plugin.yaml', import.meta.url)),
  config: () => ({ url }),
  hangingConfig: () => ({ url: hangingUrl }),
}, { describe, it });
`;
}
