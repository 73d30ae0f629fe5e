// README.md's client-conventions table is generated from the built-in manifests' `conventions:`
// (src/config/conventions/conventions-table.ts): a manifest change without the README fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../../src/core/schemas.js';
import { conventionsTable } from '../../../src/config/conventions/conventions-table.js';
import { repoRoot } from '../../support/services.js';

const manifests = readdirSync(join(repoRoot, 'manifests')).filter((f) => f.endsWith('.yaml')).sort()
  .map((f) => ManifestSchema.parse(parseYaml(readFileSync(join(repoRoot, 'manifests', f), 'utf8'))));

describe('README client conventions table', () => {
  it('equals the table generated from the manifests', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const m = /<!-- conventions-table:start[^>]*-->\n([\s\S]*?)\n<!-- conventions-table:end -->/.exec(readme);
    expect(m, 'README.md has the conventions-table markers').not.toBeNull();
    expect(m![1]).toBe(conventionsTable(manifests));
  });

  it('names every variable and file of every source (the table is not vacuous)', () => {
    const table = conventionsTable(manifests);
    for (const name of ['`PGUSER`', '`PGPASSWORD`', '`PGSSLMODE`', '`~/.pgpass`', '`$PGPASSFILE`', '`$PGSERVICEFILE`', '`~/.my.cnf`', '`MYSQL_PWD`', '`MYSQL_UNIX_PORT`', '`bootstrap.servers`', '`sasl.password`']) expect(table).toContain(name);
    // libpq: URI before the service file before the variables before the password file.
    const pg = table.split('\n').filter((l) => l.startsWith('| postgres |'));
    expect(pg.map((l) => l.split('|')[3]!.trim().split(' ')[0])).toEqual(['command-line', 'the', 'service', 'environment', 'password', 'defaults']);
    // mysql: option files before the MYSQL_* variables.
    const my = table.split('\n').filter((l) => l.startsWith('| mysql |'));
    expect(my.map((l) => l.split('|')[3]!.trim().split(' ')[0])).toEqual(['command-line', 'option', 'environment', 'defaults']);
  });
});
