// Source files of a scaffolded plugin: a working TCP-latency plugin that follows every
// convention (guarded I/O, deadline-bounded, abortable, pure checks, plain-JSON snapshot).
import type { ScaffoldContext } from './package-files.js';

export function indexTs(c: ScaffoldContext): string {
  return `// ${c.id}: default export = the plugin. Everything comes from the public SDK (@kubestack/ksa/sdk).
import { defineMiddlewarePlugin, thresholdsIn } from '@kubestack/ksa/sdk';
import { connect, type Connection } from './connect.js';
import { collect } from './collect.js';
import { connectionChecks } from './checks/connection.js';
import * as thresholds from './thresholds.js';
import type { Snapshot } from './snapshot.js';

export default defineMiddlewarePlugin<Connection, Snapshot>({
  info: { id: '${c.id}', version: '0.1.0', middleware: '${c.middleware}', name: '${c.title} Diagnostics' },
  categories: ['connection'],
  connect,
  // Each probe opens and closes its own socket: nothing stays open.
  async disconnect() {},
  collect,
  checks: [...connectionChecks],
  // Listed by \`ksa plugin info\`: the override keys users can put in ksa.yaml, with defaults.
  thresholds: thresholdsIn(thresholds),
  metrics: (d) => ({ connect_avg_ms: d.connectMs.avg, connect_max_ms: d.connectMs.max }),
});
`;
}

export function connectTs(c: ScaffoldContext): string {
  return `// Connection setup: parse the endpoint, build the operation guard, and probe once so an
// unreachable server fails here (KSA_ERR_CONNECT) and the result is "unknown", not "healthy".
import { connect as tcpConnect } from 'node:net';
import { createOperationGuard, ksaError, parseEndpoint, type OperationGuard, type MiddlewareTarget, type PluginContext } from '@kubestack/ksa/sdk';

export interface Connection {
  host: string;
  port: number;
  guard: OperationGuard;
}

/** One TCP connect, timed; bounded by the deadline and cancelled by ctx.signal. */
export function timedConnect(ctx: PluginContext, conn: Connection): Promise<number> {
  conn.guard.assert('TCP_CONNECT');
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(ksaError('KSA_ERR_TIMEOUT', 'cancelled before connecting'));
    const remaining = ctx.deadline - Date.now();
    if (remaining <= 0) return reject(ksaError('KSA_ERR_TIMEOUT', 'no time left to connect'));
    const t0 = performance.now();
    const socket = tcpConnect({ host: conn.host, port: conn.port });
    const done = (error?: Error) => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(performance.now() - t0);
    };
    const onAbort = () => done(ksaError('KSA_ERR_TIMEOUT', \`connect to \${conn.host}:\${conn.port} cancelled\`));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(remaining, () => done(ksaError('KSA_ERR_TIMEOUT', \`no TCP connection to \${conn.host}:\${conn.port} within \${remaining} ms\`)));
    socket.once('connect', () => done());
    socket.once('error', (e: NodeJS.ErrnoException) => done(ksaError('KSA_ERR_CONNECT', \`cannot reach ${c.title} at \${conn.host}:\${conn.port} (\${e.code ?? e.message})\`)));
  });
}

export async function connect(ctx: PluginContext, target: MiddlewareTarget): Promise<Connection> {
  // ctx.defaultPort is plugin.yaml's defaultPort: the one place the default port is written.
  const { host, port } = parseEndpoint(target.endpoints[0]!, ctx.defaultPort);
  const conn: Connection = { host, port, guard: createOperationGuard(ctx.pluginId, ctx.operations) };
  await timedConnect(ctx, conn);
  return conn;
}
`;
}

export function collectTs(): string {
  return `// I/O only: gather the snapshot the checks read. Replace the probes with your protocol's
// status commands (each one through conn.guard.assert('<COMMAND> <ARGS>') and declared, whole, in plugin.yaml).
import { roundToHundredths as round, type CollectOutput, type PluginContext } from '@kubestack/ksa/sdk';
import { timedConnect, type Connection } from './connect.js';
import type { Snapshot } from './snapshot.js';

const SAMPLES = 3;

export async function collect(ctx: PluginContext, conn: Connection, _request: { categories: readonly string[] }): Promise<CollectOutput<Snapshot>> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) samples.push(await timedConnect(ctx, conn));
  return {
    data: {
      connectMs: {
        min: round(Math.min(...samples)),
        avg: round(samples.reduce((a, b) => a + b, 0) / samples.length),
        max: round(Math.max(...samples)),
      },
      samples: samples.length,
    },
  };
}
`;
}

export function snapshotTs(): string {
  return `// The snapshot: plain JSON (saved by --save-snapshot, replayed by ksa analyze).
export interface Snapshot {
  [key: string]: unknown;
  connectMs: { min: number; avg: number; max: number };
  samples: number;
}
`;
}

export function thresholdsTs(c: ScaffoldContext): string {
  return `// Each default threshold once, with its source. Comparisons are strict: equal is fine.
import { defineThreshold } from '@kubestack/ksa/sdk';

export const CONNECT_LATENCY = defineThreshold({
  id: '${c.middleware}.connection.latency',
  warning: 100,
  critical: 1000,
  direction: 'above',
  unit: 'ms',
  source: 'ksa plugin template default: a loopback/LAN TCP connect takes well under 100 ms',
});
`;
}

export function connectionCheckTs(c: ScaffoldContext): string {
  return `// Pure checks of the connection category: snapshot in, findings out (no I/O).
import { defineCheck } from '@kubestack/ksa/sdk';
import { CONNECT_LATENCY } from '../thresholds.js';
import type { Snapshot } from '../snapshot.js';

export const connectionChecks = [
  defineCheck<Snapshot>({
    id: '${c.middleware}.connection.latency',
    category: 'connection',
    run: (d, ctx) => ctx.judge(CONNECT_LATENCY, d.connectMs.avg, {
      title: 'Slow TCP connect',
      detail: \`average TCP connect time \${d.connectMs.avg} ms over \${d.samples} attempts\`,
      suggestion: 'check the network path and the server accept queue (listen backlog, SYN drops)',
      evidence: { ...d.connectMs, samples: d.samples },
    }),
  }),
];
`;
}

export function contractTestTs(c: ScaffoldContext): string {
  return `// The plugin contract (@kubestack/ksa/testing): manifest vs code, check cases, AbortSignal, operation guard,
// and a live run against a local TCP server.
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { testPlugin } from '@kubestack/ksa/testing';
import plugin from '../src/index.js';

let server: Server;
let endpoint = '';
beforeAll(async () => {
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = \`127.0.0.1:\${(server.address() as { port: number }).port}\`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const data = (avg: number) => ({ connectMs: { min: avg, avg, max: avg }, samples: 3 });

testPlugin({
  module: plugin,
  manifestPath: fileURLToPath(new URL('../plugin.yaml', import.meta.url)),
  cases: [
    { name: 'fast connect', data: data(0.4), expect: { findings: [], status: 'healthy' } },
    { name: 'at the warning threshold: fine', data: data(100), expect: { findings: [] } },
    { name: 'just above warning', data: data(100.5), expect: { findings: [{ id: '${c.middleware}.connection.latency', severity: 'warning', observed: 100.5 }], status: 'warning' } },
    { name: 'above critical', data: data(1500), expect: { findings: [{ id: '${c.middleware}.connection.latency', severity: 'critical' }], status: 'critical' } },
  ],
  live: { target: () => ({ endpoints: endpoint }), status: ['healthy'] },
}, { describe, it });
`;
}
