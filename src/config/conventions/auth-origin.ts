// Where a target's user and password came from, and how to set them: carried in target.auth.origin
// so a plugin's KSA_ERR_AUTH names the user ksa tried, its source and the fix; printed by
// --explain-auth. Never a password's value: only the name of its source.
import type { ConventionField, ConventionSource } from '../../core/conventions-schema.js';
import type { Manifest, MiddlewareTarget } from '../../core/types.js';
import { conventionalPasswordEnv } from '../secrets.js';
import { declaredOptions } from '../../core/plugin-options.js';
import type { Fields } from './resolve-conventions.js';

const keyField = (k: string | { field: string }) => (typeof k === 'string' ? k : k.field);

/** How each declared source can set a field, in precedence order: a variable name, `~/.pw (PWFILE, mode 0600)`. */
export function sourcesOf(manifest: Pick<Manifest, 'conventions'>, field: ConventionField): string[] {
  return (manifest.conventions?.sources ?? []).flatMap((s) => describeFor(s, field));
}

function describeFor(s: ConventionSource, field: ConventionField): string[] {
  if (s.from === 'env') return Object.entries(s.vars).filter(([, k]) => keyField(k) === field).map(([name]) => name);
  if (s.from === 'uri') return Object.entries(s.keys).some(([, k]) => keyField(k) === field) ? [`the ${s.schemes[0]}:// URI`] : [];
  const sets = s.format === 'pgpass' ? field === 'password' : Object.values(s.keys ?? {}).some((k) => keyField(k) === field);
  if (!sets) return [];
  const notes = [s.pathEnv ?? '', s.private ? 'mode 0600' : ''].filter(Boolean);
  const name = s.paths.find((p) => p.startsWith('~/')) ?? s.paths[0] ?? (s.pathOption ? `the file of option ${s.pathOption}` : 'a file');
  return [`${name}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`];
}

/** Variables first, then files, then the URI: the usual ways to fix it first. */
const rank = (text: string) => (/^[A-Z_][A-Z0-9_]*$/.test(text) ? 0 : text.startsWith('the ') ? 2 : 1);

/** The fix of an authentication failure: which flags, variables and files set the user and the password. */
export function authFix(manifest: Pick<Manifest, 'conventions' | 'credentials'>): string {
  const sorted = (list: string[]) => [...list].sort((a, b) => rank(a) - rank(b));
  const users = ['--user', ...sorted(sourcesOf(manifest, 'user'))];
  const passwords = ['--password-file', ...sorted([...sourcesOf(manifest, 'password'), ...conventionalPasswordEnv(manifest).filter((v) => !sourcesOf(manifest, 'password').includes(v))])];
  return `set the user with ${users.join(', ')}; the password with ${passwords.join(', ')}`;
}

export function originOf(fields: Fields, manifest: Pick<Manifest, 'conventions' | 'credentials'>): NonNullable<MiddlewareTarget['auth']['origin']> {
  const user = fields.get('user')?.from;
  const password = fields.get('password')?.from;
  return { ...(user ? { user } : {}), ...(password ? { password } : {}), fix: authFix(manifest) };
}

function conventionOptionFields(manifest: Pick<Manifest, 'conventions'>): string[] {
  return (manifest.conventions?.sources ?? []).flatMap((s) => Object.values(s.from === 'env' ? s.vars : s.keys ?? {}).map(keyField)).filter((f) => f.startsWith('option.'));
}

/** `--explain-auth`: one line per connection setting with its source; the password only as set / not set. */
export function explainLines(target: MiddlewareTarget, fields: Fields, manifest: Pick<Manifest, 'conventions' | 'options' | 'config_schema'>): string[] {
  const src = (f: ConventionField, fallback: string) => fields.get(f)?.from ?? fallback;
  const host = fields.get('host')?.from;
  const port = fields.get('port')?.from;
  const rows: [string, string, string][] = [
    ['user', target.auth.username ?? '(none: the plugin default)', src('user', 'no source')],
    ['password', target.auth.password !== undefined ? '(set)' : '(none)', target.auth.password !== undefined ? src('password', 'no source') : 'no source gave one'],
    ['endpoints', target.endpoints.join(','), fields.has('endpoints') ? src('endpoints', '') : [host ?? 'the endpoint argument', port && port !== host ? `port from ${port}` : ''].filter(Boolean).join(', ')],
    ['tls', target.tls?.enabled ? `on${target.tls.caFile ? ` (CA ${target.tls.caFile})` : ''}` : target.tls?.caFile ? `CA ${target.tls.caFile}` : 'not requested', fields.has('tls') ? src('tls', '') : fields.has('tlsCa') ? src('tlsCa', '') : 'no source'],
  ];
  // Every option a convention can set (TLS mode, database), set or not.
  const keys = new Set(conventionOptionFields(manifest));
  for (const field of keys) {
    const key = field.slice(7);
    const value = target.options[key];
    // A secret option's value is never shown, as a password's is not.
    const shown = value === undefined ? '(plugin default)' : declaredOptions(manifest)[key]?.secret ? '(set)' : String(value);
    rows.push([key, shown, fields.get(field)?.from ?? 'no source']);
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  const valueWidth = Math.min(40, Math.max(...rows.map((r) => r[1].length)));
  const head = `connection settings of ${target.name}${manifest.conventions ? ` (conventions of ${manifest.conventions.client})` : ''}:`;
  return [head, ...rows.map(([k, v, from]) => `  ${k.padEnd(width)}  ${v.padEnd(valueWidth)}  from ${from}`)];
}
