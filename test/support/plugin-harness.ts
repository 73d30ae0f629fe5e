// Runs a plugin module in-process for integration tests of the plugin itself (real servers, no
// CLI): the same connect -> collect -> analyze path the isolation host runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ManifestSchema, MiddlewareTargetSchema, DiagnoseOptionsSchema, DiagnosticResultSchema } from '../../src/core/schemas.js';
import type { DiagnosticResult, Logger, Manifest, MiddlewareTargetInput, PluginContext, Snapshot } from '../../src/core/types.js';
import type { MiddlewarePluginModule } from '../../src/sdk/index.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

const manifests = new Map<string, Manifest>();

/** Read once per test file: parsing a manifest (YAML + schema) takes 0.2-0.4 s on a loaded machine. */
export function loadBuiltinManifest(id: string): Manifest {
  let m = manifests.get(id);
  if (!m) manifests.set(id, (m = ManifestSchema.parse(parse(readFileSync(`${repo}/manifests/${id}.yaml`, 'utf8')))));
  return structuredClone(m);
}

const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} };

export function makeContext(manifest: Manifest, timeoutMs = 10_000, extra: Partial<PluginContext> = {}): PluginContext {
  return {
    pluginId: manifest.id,
    signal: AbortSignal.timeout(timeoutMs),
    logger: silent,
    config: {},
    deadline: Date.now() + timeoutMs,
    operations: manifest.operations,
    allowWrite: false,
    ...(manifest.defaultPort !== undefined ? { defaultPort: manifest.defaultPort } : {}),
    ...extra,
  };
}

export interface RunOptions {
  categories?: string[];
  thresholds?: Record<string, { warning?: number | null; critical?: number | null }>;
  timeoutMs?: number;
}

/** connect -> collect -> analyze -> disconnect; returns the validated result and the snapshot. */
export async function runPlugin(
  module: MiddlewarePluginModule,
  manifestId: string,
  target: MiddlewareTargetInput,
  options: RunOptions = {},
): Promise<{ result: DiagnosticResult; snapshot: Snapshot }> {
  const manifest = loadBuiltinManifest(manifestId);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ctx = makeContext(manifest, timeoutMs);
  const opts = DiagnoseOptionsSchema.parse({ categories: options.categories ?? [], thresholds: options.thresholds ?? {}, timeoutMs });
  const plugin = module.create();
  await plugin.connect(ctx, MiddlewareTargetSchema.parse(target));
  try {
    const snapshot = await plugin.collect(ctx, opts);
    const result = DiagnosticResultSchema.parse(plugin.analyze(snapshot, opts));
    return { result, snapshot };
  } finally {
    await plugin.disconnect(ctx);
  }
}
