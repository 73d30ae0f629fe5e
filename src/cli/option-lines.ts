// A plugin's declared options as text: the `options:` block of `ksa plugin info` (every field a
// user needs to give one) and the `--option` keys of `ksa diagnose --help` (those without a flag).
import { declaredOptions, howToGive } from '../core/plugin-options.js';
import type { Manifest, OptionSpec } from '../core/types.js';

function columns(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

function typeOf(spec: OptionSpec): string {
  const range = spec.min !== undefined || spec.max !== undefined ? ` ${spec.min ?? ''}..${spec.max ?? ''}` : '';
  const marks = [spec.required ? 'required' : '', spec.secret ? 'secret' : '', spec.scope === 'plugin' ? 'plugin-wide' : ''].filter(Boolean);
  return `${spec.enum ? spec.enum.join('|') : spec.type}${range}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}`;
}

/** `ksa plugin info`: key, how to give it, type and bounds, default, description (and env variables). */
export function optionLines(manifest: Manifest): string[] {
  const options = Object.entries(declaredOptions(manifest));
  if (options.length === 0) return ['options:      none (the plugin accepts no --option)'];
  const rows = options.map(([key, spec]) => [
    `  ${key}`, howToGive(key, spec, manifest), typeOf(spec),
    spec.default === undefined ? '-' : JSON.stringify(spec.default),
    `${spec.description ?? ''}${spec.env ? ` [env: ${spec.env.join(', ')}]` : ''}`,
  ]);
  return [
    'options:      (ksa.yaml target options: or plugins.<id>.config, --option key=value, or the flag; checked before the plugin runs)',
    ...columns([['  KEY', 'GIVE', 'TYPE', 'DEFAULT', 'DESCRIPTION'], ...rows]),
  ];
}

/** `ksa diagnose --help`: per type, the options that have no flag (given with --option key=value). */
export function optionKeysWithoutFlag(manifests: readonly Manifest[]): string[] {
  return manifests.flatMap((m) => {
    const keys = Object.entries(declaredOptions(m)).filter(([, s]) => !s.flag && s.scope !== 'plugin').map(([k, s]) => `${k}=<${s.enum ? s.enum.join('|') : s.type}>`);
    return keys.length > 0 && m.middleware ? [[m.middleware, keys.join(', ')]] : [];
  }).map(([type, keys], _, all) => `  ${type!.padEnd(Math.max(...all.map((a) => a[0]!.length)))}  ${keys}`);
}
