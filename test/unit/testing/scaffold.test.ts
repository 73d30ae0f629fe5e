// `ksa plugin new` output: names, files, and a manifest ksa accepts. (Building and running the
// scaffold is the e2e test test/e2e/plugin-kit.test.ts.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { namesOf, scaffoldPlugin } from '../../../src/scaffold/index.js';
import { loadManifest } from '../../../src/testing/index.js';

let tmp: string;
beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'ksa-scaffold-')); });
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('namesOf', () => {
  it.each([
    ['memcached', { middleware: 'memcached', id: 'memcached-diagnostics', title: 'Memcached' }],
    ['Rabbit-MQ', { middleware: 'rabbit-mq', id: 'rabbit-mq-diagnostics', title: 'Rabbit Mq' }],
    ['etcd-diagnostics', { middleware: 'etcd', id: 'etcd-diagnostics', title: 'Etcd' }],
  ])('%s', (raw, names) => expect(namesOf(raw)).toEqual(names));

  it.each(['', '1abc', 'has space', 'under_score', 'trailing-'])('rejects %j', (raw) => {
    expect(() => namesOf(raw)).toThrow(expect.objectContaining({ code: 'KSA_ERR_BAD_INPUT' }));
  });
});

describe('scaffoldPlugin', () => {
  it('writes a package whose manifest ksa validates, with ksa linked by a relative file: path', () => {
    const r = scaffoldPlugin({ name: 'memcached', cwd: tmp, ksaRoot: '/opt/ksa', ksaVersion: '0.1.0' });
    expect(r.dir).toBe(join(tmp, 'memcached-diagnostics'));
    const manifest = loadManifest(r.dir);
    expect(manifest).toMatchObject({ id: 'memcached-diagnostics', middleware: 'memcached', entry: './dist/index.js', checks: ['memcached.connection.latency'], operations: ['TCP_CONNECT'] });
    const pkg = JSON.parse(readFileSync(join(r.dir, 'package.json'), 'utf8'));
    // Relative (works in any checkout of both trees) and under the name ksa is published as.
    expect(pkg).toMatchObject({ name: 'memcached-diagnostics', type: 'module', peerDependencies: { '@kubestack/ksa': '>=0.1.0' } });
    expect(pkg.devDependencies['@kubestack/ksa']).toBe(`file:${relative(r.dir, '/opt/ksa')}`);
    expect(pkg.devDependencies['@kubestack/ksa']).not.toMatch(/^file:\//);
    expect(pkg.peerDependencies.ksa).toBeUndefined();
    expect(readFileSync(join(r.dir, 'test/contract.test.ts'), 'utf8')).toContain("from '@kubestack/ksa/testing'");
  });

  it('never overwrites a non-empty directory', () => {
    writeFileSync(join(tmp, 'keep.txt'), 'mine');
    expect(() => scaffoldPlugin({ name: 'x', dir: tmp, ksaRoot: '/opt/ksa', ksaVersion: '0.1.0' })).toThrow(/exists and is not empty/);
    expect(readFileSync(join(tmp, 'keep.txt'), 'utf8')).toBe('mine');
  });
});
