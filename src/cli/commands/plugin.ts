// `ksa plugin list|info|validate|health`.
import { ksaError } from '../../core/errors.js';
import { SCHEMA_VERSION } from '../../core/versions.js';
import { PLUGIN_TYPES } from '../../core/plugin-types.js';
import { parseDuration } from '../../core/duration.js';
import type { RegistryEntry } from '../../core/registry.js';
import type { HealthReport, PluginListing, PluginState, ThresholdDefault } from '../../core/types.js';
import type { Runtime } from '../runtime.js';
import { optionLines } from '../option-lines.js';
import { permissionLines } from '../permission-lines.js';
import { packageRoot } from '../../core/package-root.js';
import { registerRecoveryPlugins } from '../../recovery/action-catalog.js';
import type { PluginManager } from '../../core/manager.js';

const STATES: readonly PluginState[] = ['Unloaded', 'Loaded', 'Initialized', 'Running', 'Stopped', 'Failed'];

function listingOf(entries: RegistryEntry[]): PluginListing {
  return {
    schemaVersion: SCHEMA_VERSION,
    plugins: entries.map((e) => ({
      id: e.manifest.id, name: e.manifest.name, version: e.manifest.version, type: e.manifest.type,
      ...(e.manifest.middleware ? { middleware: e.manifest.middleware } : {}),
      description: e.manifest.description, capabilities: e.manifest.capabilities, categories: e.manifest.categories,
      source: e.source, location: e.location, state: e.state, checks: e.manifest.checks, operations: e.manifest.operations,
      actions: e.manifest.actions, requires: e.manifest.requires, ...(e.lastError ? { lastError: e.lastError } : {}),
      ...(e.source === 'external' ? { permissions: { fsRead: e.manifest.permissions?.fsRead ?? [] } } : {}),
    })),
  };
}

/** The manager with every plugin a user can name, the data-only built-in recovery plugins included. */
async function managerWithRecovery(rt: Runtime): Promise<PluginManager> {
  const manager = await rt.manager();
  registerRecoveryPlugins(manager, packageRoot());
  return manager;
}

export async function runPluginList(rt: Runtime, flags: { type?: string; state?: string; json?: boolean }): Promise<string> {
  const manager = await managerWithRecovery(rt);
  let entries = manager.registry.list().sort((a, b) => (a.manifest.id < b.manifest.id ? -1 : a.manifest.id > b.manifest.id ? 1 : 0));
  if (flags.type) entries = manager.registry.listByType(flags.type.includes(':') || (PLUGIN_TYPES as readonly string[]).includes(flags.type) ? flags.type : `middleware:${flags.type}`);
  if (flags.state) {
    const state = STATES.find((s) => s.toLowerCase() === flags.state?.toLowerCase());
    if (!state) throw ksaError('KSA_ERR_BAD_INPUT', `--state ${JSON.stringify(flags.state)} is not a plugin state`, { fix: `use one of ${STATES.join(', ')}` });
    const ids = new Set(manager.registry.listByState(state).map((e) => e.manifest.id));
    entries = entries.filter((e) => ids.has(e.manifest.id));
  }
  const listing = listingOf(entries);
  if (flags.json) return `${JSON.stringify(listing, null, 2)}\n`;
  const rows = listing.plugins.map((p) => [p.id, p.version, p.middleware ? `${p.type}/${p.middleware}` : p.type, p.state, p.source, p.capabilities.join(',')]);
  return formatColumns(['ID', 'VERSION', 'TYPE', 'STATE', 'SOURCE', 'CAPABILITIES'], rows);
}

/** Reading a plugin's thresholds imports it in a throwaway host; one that cannot in 5 s is reported, not waited for. */
const DESCRIBE_TIMEOUT_MS = 5000;

type Described = { ok: true; thresholds: ThresholdDefault[] } | { ok: false; why: string };

export async function runPluginInfo(rt: Runtime, id: string, flags: { json?: boolean; load?: boolean }): Promise<string> {
  const manager = await managerWithRecovery(rt);
  const entry = manager.registry.lookup(id);
  let described: Described;
  try {
    // Built-in code is ksa's own; an external plugin's code runs only when asked (--load), so
    // `plugin info` stays a way to review an untrusted plugin before anything of it runs.
    if (entry.manifest.type === 'recovery') {
      described = { ok: false, why: "none: a recovery plugin is data only (no code); ksa's recovery engine runs its commands" };
    } else if (entry.source === 'external' && !flags.load) {
      described = { ok: false, why: "not read: plugin info does not run an external plugin's code; add --load to import it in its sandbox (a child process) and list them" };
    } else {
      const d = await manager.describe(entry.manifest.id, DESCRIBE_TIMEOUT_MS);
      described = d.ok ? { ok: true, thresholds: d.description.thresholds } : { ok: false, why: `unavailable (${d.error.code}: ${d.error.message})` };
    }
  } finally {
    void manager.close();
  }
  const p = { ...listingOf([entry]).plugins[0]!, ...(described.ok ? { thresholds: described.thresholds } : {}) };
  if (flags.json) return `${JSON.stringify(p, null, 2)}\n`;
  return [
    `${p.name} (${p.id} ${p.version})`, p.description,
    `type:         ${p.type}${p.middleware ? ` (${p.middleware})` : ''}`,
    `state:        ${p.state}`, `source:       ${p.source} ${p.location}`,
    `capabilities: ${p.capabilities.join(', ')}`, `categories:   ${p.categories.join(', ')}`,
    `checks:       ${p.checks.join(', ')}`,
    '              (finding ids and threshold override keys are a check id or <check id>.<suffix>)',
    `operations:   ${p.operations.join(', ')}`,
    `actions:      ${p.actions.map((a) => `${a.name}${a.mutating ? ' (mutating)' : ''}`).join(', ') || 'none'}`,
    ...Object.entries(entry.manifest.commands ?? {}).map(([name, c]) => `  ${name}: runs ${c.argv.join(' ')}${c.rollback ? `; rollback ${c.rollback.join(' ')}` : ''}; mutates ${c.mutates}`),
    `requires:     ${p.requires.join(', ') || 'none'}`,
    ...optionLines(entry.manifest),
    ...permissionLines(entry.manifest, entry.source),
    ...(described.ok ? thresholdLines(described.thresholds) : [`thresholds:   ${described.why}`]),
  ].join('\n') + '\n';
}

function thresholdLines(thresholds: readonly ThresholdDefault[]): string[] {
  if (thresholds.length === 0) return ['thresholds:   none declared'];
  const limit = (v: number | null, op: string) => (v === null ? '-' : `${op} ${v}`);
  const rows = thresholds.map((t) => {
    const op = t.direction === 'above' ? '>' : '<';
    return [`  ${t.id}`, limit(t.warning, op), limit(t.critical, op), t.unit, t.source];
  });
  return [
    'thresholds:   (override in ksa.yaml `thresholds:` or with --threshold KEY=WARN,CRIT; equal to a limit is fine)',
    ...formatColumns(['  KEY', 'WARNING', 'CRITICAL', 'UNIT', 'SOURCE'], rows).trimEnd().split('\n'),
  ];
}

/** Validates an external plugin package's manifest, built entry and version without importing its code. */
export async function runPluginValidate(path: string): Promise<string> {
  const [{ readExternalPackage }, { assertPackageReady }] = await Promise.all([import('../../core/manifest-reader.js'), import('../../core/package-ready.js')]);
  const record = readExternalPackage(path);
  assertPackageReady(record);
  return `ok: ${record.manifest.id} ${record.manifest.version} (${record.manifest.categories.length} categories, ${record.manifest.operations.length} operations), entry ${record.entryPath}\n`;
}

export async function runPluginHealth(rt: Runtime, id: string | undefined, flags: { json?: boolean; timeout: string }): Promise<{ text: string; healthy: boolean }> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const manager = await managerWithRecovery(rt);
  const named = id ? manager.registry.lookup(id) : undefined;
  // A recovery plugin has no code, so nothing of it can be unhealthy: named, it is refused with where to look instead.
  if (named?.manifest.type === 'recovery') {
    void manager.close();
    throw ksaError('KSA_ERR_BAD_INPUT', `${named.manifest.id} is a recovery plugin: data only (ksa's recovery engine runs its commands), so it has no health to check`, { fix: `run \`ksa plugin info ${named.manifest.id}\` to see its commands` });
  }
  const ids = named ? [named.manifest.id] : manager.registry.list().filter((e) => e.manifest.type !== 'recovery').map((e) => e.manifest.id);
  let report: HealthReport;
  try {
    report = await manager.health(ids, timeoutMs);
  } finally {
    void manager.close();
  }
  const healthy = report.plugins.every((p) => p.healthy);
  if (flags.json) return { text: `${JSON.stringify(report, null, 2)}\n`, healthy };
  const rows = report.plugins.map((p) => [p.id, p.state, p.healthy ? 'healthy' : 'unhealthy', `${p.latencyMs} ms`, p.lastError ? `${p.lastError.code}: ${p.lastError.message}` : '']);
  return { text: formatColumns(['ID', 'STATE', 'HEALTH', 'LATENCY', 'LAST ERROR'], rows), healthy };
}

function formatColumns(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}
