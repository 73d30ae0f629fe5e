// Running a plugin the way the isolation host does (connect -> collect -> analyze -> disconnect),
// with a controllable context: the signal, the deadline and the declared operations. Used for the
// live contract checks: operations stay inside the manifest, the guard is really in the path, and
// ctx.signal cancels a hanging call.
import { createServer, type Server, type Socket } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { DiagnoseOptionsSchema, DiagnosticResultSchema, MiddlewareTargetSchema, SnapshotSchema } from '../core/schemas.js';
import { formatPath } from '../core/zod-issues.js';
import { operationsInScope } from '../core/operation-entries.js';
import { findingProblems } from './cases.js';
import type { MiddlewarePluginModule } from '../sdk/define-plugin.js';
import type { DiagnosticResult, Logger, Manifest, MiddlewareTarget, MiddlewareTargetInput, PluginContext, Snapshot } from '../core/types.js';

/** A target without `type`/`name` (filled in from the manifest); endpoints may be one string. */
export type TargetSpec = Omit<MiddlewareTargetInput, 'type' | 'name' | 'endpoints'> & { endpoints: string | string[]; name?: string };

export interface LogLine { level: keyof Logger; message: string; fields?: Record<string, unknown> }

export interface ContextOptions {
  signal?: AbortSignal;
  deadline?: number;
  /** Defaults to the operations of the call's scope: the manifest's, plus `action`'s own. */
  operations?: readonly string[];
  /** The action the context is for (its operations are admitted only then). */
  action?: string;
  config?: Record<string, unknown>;
  allowWrite?: boolean;
  logs?: LogLine[];
}

export function makeContext(manifest: Manifest, o: ContextOptions = {}): PluginContext {
  const logs = o.logs ?? [];
  const log = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>) => { logs.push({ level, message, ...(fields ? { fields } : {}) }); };
  return {
    pluginId: manifest.id,
    signal: o.signal ?? new AbortController().signal,
    logger: { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') },
    config: o.config ?? {},
    deadline: o.deadline ?? Date.now() + 10_000,
    operations: o.operations ?? operationsInScope(manifest, o.action),
    allowWrite: o.allowWrite ?? false,
    ...(manifest.defaultPort !== undefined ? { defaultPort: manifest.defaultPort } : {}),
  };
}

/** The wording of the guard's refusals (src/sdk/guard.ts). */
const GUARD_REFUSAL = /KSA_ERR_OPERATION_DENIED|which its manifest does not declare|admitted only while a mutating action/;

export function targetOf(manifest: Manifest, spec: TargetSpec): MiddlewareTarget {
  return MiddlewareTargetSchema.parse({
    ...spec,
    type: manifest.middleware ?? manifest.id,
    name: spec.name ?? 'contract-test',
    endpoints: typeof spec.endpoints === 'string' ? [spec.endpoints] : spec.endpoints,
  });
}

export interface LiveRun {
  result: DiagnosticResult;
  snapshot: Snapshot;
  logs: LogLine[];
  /** Contract problems seen on the way (schema, plain-JSON data, operations). */
  problems: string[];
}

/** connect -> collect -> analyze -> disconnect against a real (or fake) server. */
export async function runLive(
  module: MiddlewarePluginModule<unknown, unknown>,
  manifest: Manifest,
  spec: TargetSpec,
  opts: { categories?: string[]; timeoutMs?: number; thresholds?: Record<string, { warning?: number | null; critical?: number | null }> } = {},
): Promise<LiveRun> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const logs: LogLine[] = [];
  const ctx = makeContext(manifest, { signal: AbortSignal.timeout(timeoutMs), deadline: Date.now() + timeoutMs, logs });
  const diagnoseOpts = DiagnoseOptionsSchema.parse({ categories: opts.categories ?? [], thresholds: opts.thresholds ?? {}, timeoutMs });
  const plugin = module.create();
  const problems: string[] = [];
  let snapshot: Snapshot;
  try {
    await plugin.connect(ctx, targetOf(manifest, spec));
    snapshot = await plugin.collect(ctx, diagnoseOpts);
  } catch (error) {
    if ((error as { code?: string }).code === 'KSA_ERR_OPERATION_DENIED') {
      throw Object.assign(new Error(`undeclared operation: ${(error as Error).message}`), { code: 'KSA_ERR_OPERATION_DENIED', contract: true });
    }
    throw error;
  } finally {
    await plugin.disconnect(ctx);
  }
  // A refusal caught by the plugin and turned into a skip or a log line still means it sent (tried) an undeclared operation.
  const swallowed = [...Object.values(snapshot.skipped ?? {}), ...Object.values(snapshot.notApplicable ?? {}), ...logs.map((l) => l.message)].find((t) => GUARD_REFUSAL.test(t));
  if (swallowed) problems.push(`undeclared operation, refused by the guard and swallowed by the plugin: ${swallowed.slice(0, 200)}; declare it in the manifest operations: or stop sending it`);
  const snap = SnapshotSchema.safeParse(snapshot);
  if (!snap.success) problems.push(`snapshot does not match SnapshotSchema: ${formatPath(snap.error.issues[0]?.path ?? [])}: ${snap.error.issues[0]?.message}`);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(snapshot.data)), snapshot.data)) {
    problems.push('collect returned data that is not plain JSON (Dates, Maps, Buffers, undefined or class instances): snapshots are saved as JSON and replayed by `ksa analyze`');
  }
  const result = plugin.analyze(snapshot, diagnoseOpts);
  for (const f of result.findings) {
    const check = module.parts.checks.find((c) => f.id === c.id || f.id.startsWith(`${c.id}.`));
    problems.push(...findingProblems(f, check?.id ?? f.id, check?.category ?? f.category));
  }
  const parsed = DiagnosticResultSchema.safeParse(result);
  if (!parsed.success) problems.push(`result does not match DiagnosticResultSchema: ${formatPath(parsed.error.issues[0]?.path ?? [])}: ${parsed.error.issues[0]?.message}`);
  return { result, snapshot, logs, problems };
}

/** A TCP server that accepts connections and never answers: every request to it hangs. */
export interface HangingServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

type Settled = { kind: 'rejected'; error: unknown; ms: number } | { kind: 'resolved'; ms: number } | { kind: 'pending'; ms: number };

/** Runs connect then collect with the given context, bounded by `boundMs` of wall time. */
async function connectAndCollect(module: MiddlewarePluginModule<unknown, unknown>, manifest: Manifest, spec: TargetSpec, ctx: PluginContext, boundMs: number): Promise<Settled> {
  const plugin = module.create();
  const t0 = Date.now();
  const work = (async () => {
    await plugin.connect(ctx, targetOf(manifest, spec));
    await plugin.collect(ctx, DiagnoseOptionsSchema.parse({ timeoutMs: Math.max(1, ctx.deadline - Date.now()) }));
  })();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'pending'>((resolve) => { timer = setTimeout(() => resolve('pending'), boundMs); });
  const settled: Settled = await Promise.race([
    work.then(() => ({ kind: 'resolved', ms: Date.now() - t0 }) as const, (error: unknown) => ({ kind: 'rejected', error, ms: Date.now() - t0 }) as const),
    bound.then(() => ({ kind: 'pending', ms: Date.now() - t0 }) as const),
  ]);
  clearTimeout(timer);
  work.catch(() => undefined);
  // Best effort: a plugin that ignores the signal may also ignore disconnect; do not wait forever.
  await Promise.race([plugin.disconnect(ctx).catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
  return settled;
}

export interface AbortOptions {
  /** Where to connect; default: a built-in server that accepts and never answers. */
  target?: TargetSpec;
  /** When to abort the running call (ms after it starts). Default 100. */
  abortAfterMs?: number;
  /** How long after the abort the call may take to reject. Default 1000. */
  boundMs?: number;
}

/** Problems with ctx.signal handling: an already-aborted signal and an abort during a hang. */
export async function abortProblems(module: MiddlewarePluginModule<unknown, unknown>, manifest: Manifest, o: AbortOptions = {}): Promise<string[]> {
  const abortAfterMs = o.abortAfterMs ?? 100;
  const boundMs = o.boundMs ?? 1000;
  const server = o.target ? undefined : await startHangingServer();
  const spec: TargetSpec = o.target ?? { endpoints: server!.endpoint };
  const problems: string[] = [];
  try {
    // The deadline is far away so only the signal can end the call.
    const far = () => Date.now() + 60_000;
    const pre = await connectAndCollect(module, manifest, spec, makeContext(manifest, { signal: AbortSignal.abort(new Error('aborted before the call')), deadline: far() }), boundMs);
    problems.push(...judgeAbort('with an already-aborted ctx.signal', pre, boundMs, 0));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('aborted by the contract test')), abortAfterMs);
    const during = await connectAndCollect(module, manifest, spec, makeContext(manifest, { signal: controller.signal, deadline: far() }), abortAfterMs + boundMs);
    clearTimeout(timer);
    problems.push(...judgeAbort(`when ctx.signal aborts ${abortAfterMs} ms into a call to a server that never answers`, during, boundMs, abortAfterMs));
  } finally {
    await server?.close();
  }
  return problems;
}

function judgeAbort(when: string, s: Settled, boundMs: number, abortedAtMs: number): string[] {
  if (s.kind === 'pending') {
    return [`${when}, connect/collect was still running after ${s.ms} ms (bound ${boundMs} ms after the abort): ctx.signal is ignored; close sockets on 'abort' and check signal.aborted before starting I/O`];
  }
  // Finishing before the abort fired is fine (e.g. a plugin that only opens TCP connections).
  if (s.kind === 'resolved' && (abortedAtMs === 0 || s.ms >= abortedAtMs)) {
    return [`${when}, connect/collect resolved after ${s.ms} ms instead of rejecting: an aborted call must reject (the result would be built from nothing)`];
  }
  return [];
}

export interface GuardOptions {
  target?: TargetSpec;
  boundMs?: number;
}

/** With no operations declared, the plugin must be refused by its guard (proves the guard is in the path). */
export async function guardProblems(module: MiddlewarePluginModule<unknown, unknown>, manifest: Manifest, o: GuardOptions = {}): Promise<string[]> {
  const boundMs = o.boundMs ?? 2000;
  const server = o.target ? undefined : await startHangingServer();
  const spec: TargetSpec = o.target ?? { endpoints: server!.endpoint };
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('guard check bound')), boundMs);
    const s = await connectAndCollect(module, manifest, spec, makeContext(manifest, { operations: [], signal: controller.signal, deadline: Date.now() + boundMs }), boundMs + 500);
    clearTimeout(timer);
    if (s.kind === 'rejected' && (s.error as { code?: string })?.code === 'KSA_ERR_OPERATION_DENIED') return [];
    const what = s.kind === 'rejected' ? `failed with ${(s.error as { code?: string })?.code ?? ''} ${(s.error as Error)?.message ?? String(s.error)}` : s.kind === 'resolved' ? 'succeeded' : 'was still running';
    return [`with no operations declared, connect+collect ${what} instead of being refused with KSA_ERR_OPERATION_DENIED: wrap every driver call in createOperationGuard(ctx.pluginId, ctx.operations).assert(op) before any I/O`];
  } finally {
    await server?.close();
  }
}
