// The README's "Client conventions" table, generated from the manifests' `conventions:` (so the
// documentation is the declaration): per middleware, each source in precedence order and what it
// sets. test/unit/config/conventions-table.test.ts fails when README.md differs.
import type { ConventionKey, ConventionSource } from '../../core/conventions-schema.js';
import type { Manifest } from '../../core/types.js';

const FIELD_WORDS: Record<string, string> = {
  user: 'user', password: 'password', host: 'host', port: 'port', endpoints: 'endpoints', tls: 'TLS on/off',
  tlsCa: 'CA file', tlsCert: 'client certificate', tlsKey: 'client key', mechanism: 'SASL mechanism', service: 'service name',
};

const word = (field: string) => FIELD_WORDS[field] ?? (field.startsWith('option.') ? `\`${field.slice(7)}\`` : field);
const fieldOf = (k: ConventionKey) => (typeof k === 'string' ? k : k.field);

/** `VAR` -> user, ... for one source. */
function sets(source: ConventionSource): string {
  if (source.from === 'file' && source.format === 'pgpass') return 'password (the first line matching host, port, database and user)';
  const entries: [string, ConventionKey][] = Object.entries(source.from === 'env' ? source.vars : source.keys ?? {});
  return entries.map(([k, v]) => `\`${k}\` ${word(fieldOf(v))}`).join(', ');
}

const FORMAT_WORDS: Record<string, string> = { pgpass: 'password file', ini: 'service file', 'option-file': 'option files (a later one wins)', properties: 'properties file' };

function sourceName(source: ConventionSource, m: Pick<Manifest, 'options'>): string {
  if (source.from === 'env') return 'environment variables';
  if (source.from === 'uri') return `the endpoint as a ${source.schemes.map((s) => `\`${s}://\``).join(' / ')} URI`;
  const flag = source.pathOption ? m.options?.[source.pathOption]?.flag : undefined;
  const byFlag = source.pathOption ? (flag ? `\`--${flag}\`` : `option \`${source.pathOption}\``) : '';
  const files = source.paths.map((p) => `\`${p}\``).join(', ');
  const extra = [
    source.pathEnv ? `or \`$${source.pathEnv}\`` : '',
    byFlag && files ? `or only the file of ${byFlag}` : '',
    source.sectionFromService ? 'section = the service name' : source.sections ? `groups ${source.sections.map((s) => `[${s}]`).join(' ')}${source.sectionSuffixEnv || source.sectionSuffixOption ? ' and the same with a suffix' : ''}` : '',
    source.private ? 'ignored unless mode 0600' : '',
  ].filter(Boolean);
  return `${FORMAT_WORDS[source.format] ?? source.format} ${files || `given by ${byFlag}`}${extra.length > 0 ? ` ${extra.join('; ')}` : ''}`;
}

export function conventionsTable(manifests: readonly Pick<Manifest, 'middleware' | 'id' | 'conventions' | 'options'>[]): string {
  const rows: string[] = ['| type | precedence | source | sets |', '|---|---|---|---|'];
  for (const m of manifests) {
    const c = m.conventions;
    if (!c) continue;
    const type = m.middleware ?? m.id;
    rows.push(`| ${type} | 1 | command-line flags and the endpoint argument | everything they name |`);
    c.sources.forEach((s, i) => rows.push(`| ${type} | ${i + 2} | ${sourceName(s, m)} | ${sets(s)} |`));
    const defaults = [c.defaultUser === 'os-user' ? 'user = the OS user' : '', ...Object.entries(c.defaults ?? {}).map(([f, v]) => `${word(f)} = ${v}`)].filter(Boolean);
    if (defaults.length > 0) rows.push(`| ${type} | ${c.sources.length + 2} | defaults (${c.client}) | ${defaults.join(', ')} |`);
  }
  return rows.join('\n');
}
