// Issue 14 item 3: the CLI, core, config, renderers and SDK name no built-in middleware, flag or
// option: everything middleware-specific comes from a manifest (manifests/*.yaml) and lives in
// plugins/. The names are read from the built-in manifests, so a new built-in is covered too.
// Comments count: a comment naming a built-in is where such knowledge starts to creep back.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/services.js';

interface ConventionSourceNames { vars?: Record<string, unknown>; pathEnv?: string; sectionSuffixEnv?: string }
interface ManifestNames { middleware?: string; options?: Record<string, { flag?: string }>; credentials?: { passwordEnv?: string[] }; conventions?: { sources: ConventionSourceNames[] } }

// The middleware plugins' manifests (built-in notifiers name receivers, not middleware).
const manifests = readdirSync(join(repoRoot, 'manifests')).filter((f) => f.endsWith('.yaml'))
  .map((f) => parseYaml(readFileSync(join(repoRoot, 'manifests', f), 'utf8')) as ManifestNames & { type: string })
  .filter((m) => m.type === 'middleware');

/**
 * Two built-ins are named after what they read, a protocol and a metrics format that ksa itself
 * speaks and follows (HTTP; Prometheus naming and exposition): the words name those, not the
 * plugins. Their flags, option keys and variables are still checked below.
 */
const PROTOCOL_NAMED = new Set(['http', 'prometheus']);

/** What only a built-in knows: its type, its flags, its camelCase option keys, its credential variables. */
const builtinNames = [...new Set([
  ...manifests.map((m) => m.middleware!).filter((name) => !PROTOCOL_NAMED.has(name)),
  'postgresql', 'mariadb',
  ...manifests.flatMap((m) => Object.values(m.options ?? {}).flatMap((o) => (o.flag ? [`--${o.flag}`] : []))),
  ...manifests.flatMap((m) => Object.keys(m.options ?? {}).filter((k) => /[A-Z]/.test(k))),
  ...manifests.flatMap((m) => m.credentials?.passwordEnv ?? []),
  // The client conventions' variables (libpq's, the mysql client's): read only through the manifests.
  ...manifests.flatMap((m) => (m.conventions?.sources ?? []).flatMap((c) => [...Object.keys(c.vars ?? {}), ...(c.pathEnv ? [c.pathEnv] : []), ...(c.sectionSuffixEnv ? [c.sectionSuffixEnv] : [])])),
])];

/**
 * The SDK's SQL guard reads SQL the way PostgreSQL and MySQL lex it: those dialect names are a
 * library feature any SQL plugin may use (not knowledge of the built-in plugins).
 */
const SQL_DIALECT_FILES = /^src\/(sdk\/sql-[a-z-]+\.ts|sdk\/guard\.ts|core\/sql-function-policy\.ts)$/;
const SQL_DIALECT_NAMES = new Set(['postgres', 'postgresql', 'mysql', 'mariadb']);
/**
 * Likewise the SDK's wire recogniser and its probes know protocols by their bytes (issue 13: one
 * shared recogniser names "answers like X, not Y" for every plugin): protocol names, not plugins.
 */
const WIRE_PROTOCOL_FILES = /^src\/sdk\/(wire-recognizer|peer-identity)\.ts$/;
const WIRE_PROTOCOL_NAMES = new Set(['redis', 'mysql', 'mariadb', 'postgresql', 'kafka']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = (name: string) => (name.startsWith('--')
  ? new RegExp(`${escape(name)}(?![a-z0-9-])`)
  : new RegExp(`(?<![A-Za-z0-9])${escape(name)}(?![a-z0-9])`, /[A-Z_]/.test(name) ? '' : 'i'));

describe('no TypeScript outside plugins/ and manifests/ names a built-in', () => {
  it('the names come from the manifests (the test is not vacuous)', () => {
    expect(builtinNames).toEqual(expect.arrayContaining(['redis', 'kafka', 'mysql', 'postgres', '--sentinel', '--master-name', '--sslmode', '--socket', '--group', 'masterName', 'REDISCLI_AUTH', 'PGUSER', 'PGPASSFILE', 'MYSQL_UNIX_PORT', '--defaults-file', '--config-file']));
  });

  it.each(tsFiles(join(repoRoot, 'src')).map((f) => relative(repoRoot, f)))('%s', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const hits = builtinNames
      .filter((name) => !(SQL_DIALECT_FILES.test(file) && SQL_DIALECT_NAMES.has(name)))
      .filter((name) => !(WIRE_PROTOCOL_FILES.test(file) && WIRE_PROTOCOL_NAMES.has(name)))
      .flatMap((name) => text.split('\n').flatMap((line, i) => (pattern(name).test(line) ? [`${file}:${i + 1}: ${name}: ${line.trim().slice(0, 120)}`] : [])));
    expect(hits).toEqual([]);
  });
});
