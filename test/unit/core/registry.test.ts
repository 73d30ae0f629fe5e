// Registry indexes: by id, by type (plugin type and `middleware:<name>`) and by state.
import { describe, expect, it } from 'vitest';
import { PluginRegistry, type RegistryEntry } from '../../../src/core/registry.js';
import { KsaError } from '../../../src/core/errors.js';
import { ManifestSchema } from '../../../src/core/schemas.js';
import type { ManifestInput, PluginState } from '../../../src/core/types.js';

function entry(id: string, extra: Partial<ManifestInput> = {}, state: PluginState = 'Loaded', location = `/p/${id}`): RegistryEntry {
  const manifest = ManifestSchema.parse({ id, name: id, version: '1.0.0', apiVersion: 1, type: 'middleware', middleware: id.split('-')[0], entry: './index.js', ...extra });
  return { manifest, source: 'builtin', location, entryPath: `${location}/index.js`, state };
}

function filled(): PluginRegistry {
  const r = new PluginRegistry();
  r.register(entry('redis-diagnostics'));
  r.register(entry('kafka-diagnostics'));
  r.register(entry('redis-extra'));
  r.register(entry('report-analyzer', { type: 'analyzer', middleware: undefined }));
  return r;
}

const ids = (entries: RegistryEntry[]) => entries.map((e) => e.manifest.id).sort();

describe('PluginRegistry', () => {
  it('register/get/require/list', () => {
    const r = filled();
    expect(r.get('redis-diagnostics')?.manifest.middleware).toBe('redis');
    expect(r.require('kafka-diagnostics').manifest.id).toBe('kafka-diagnostics');
    expect(r.get('nosuch')).toBeUndefined();
    expect(ids(r.list())).toEqual(['kafka-diagnostics', 'redis-diagnostics', 'redis-extra', 'report-analyzer']);
  });

  it('require of an unknown id is KSA_ERR_UNKNOWN_PLUGIN naming the id', () => {
    expect(() => filled().require('nosuch')).toThrowError(expect.objectContaining({ code: 'KSA_ERR_UNKNOWN_PLUGIN', message: expect.stringContaining('"nosuch"') }));
  });

  it('lookup: an id, or a middleware type exactly one plugin diagnoses; otherwise the nearest name', () => {
    const r = filled();
    expect(r.lookup('kafka-diagnostics').manifest.id).toBe('kafka-diagnostics');
    expect(r.lookup('kafka').manifest.id).toBe('kafka-diagnostics');
    // Two plugins diagnose redis: the type alone is ambiguous.
    expect(() => r.lookup('redis')).toThrowError(expect.objectContaining({ code: 'KSA_ERR_UNKNOWN_PLUGIN', message: expect.stringMatching(/^"redis" is diagnosed by 2 plugins, give one of their ids: redis-diagnostics, redis-extra/) }));
    expect(() => r.lookup('kafka-diagnostic')).toThrowError(expect.objectContaining({ message: expect.stringContaining('did you mean "kafka-diagnostics"?') }));
    expect(() => r.lookup('zzzzzzzz')).toThrowError(expect.objectContaining({ message: expect.not.stringContaining('did you mean') }));
  });

  it('a duplicate id is rejected with KSA_ERR_DUPLICATE_PLUGIN naming both locations, and the first stays', () => {
    const r = filled();
    let error: unknown;
    try {
      r.register(entry('redis-diagnostics', { version: '9.9.9' }, 'Loaded', '/elsewhere/redis'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KsaError);
    expect((error as KsaError).code).toBe('KSA_ERR_DUPLICATE_PLUGIN');
    expect((error as KsaError).message).toContain('/elsewhere/redis');
    expect((error as KsaError).message).toContain('/p/redis-diagnostics');
    expect(r.require('redis-diagnostics').manifest.version).toBe('1.0.0');
    expect(ids(r.listByType('middleware:redis'))).toEqual(['redis-diagnostics', 'redis-extra']);
  });

  it.each([
    { type: 'middleware', expected: ['kafka-diagnostics', 'redis-diagnostics', 'redis-extra'] },
    { type: 'analyzer', expected: ['report-analyzer'] },
    { type: 'exporter', expected: [] },
    { type: 'middleware:redis', expected: ['redis-diagnostics', 'redis-extra'] },
    { type: 'middleware:kafka', expected: ['kafka-diagnostics'] },
    { type: 'middleware:mysql', expected: [] },
    { type: 'redis', expected: [] },
  ])('listByType($type)', ({ type, expected }) => {
    expect(ids(filled().listByType(type))).toEqual(expected);
  });

  it('getMiddlewarePlugin returns the first registered plugin of a middleware type, or undefined', () => {
    const r = filled();
    expect(r.getMiddlewarePlugin('redis')?.manifest.id).toBe('redis-diagnostics');
    expect(r.getMiddlewarePlugin('kafka')?.manifest.id).toBe('kafka-diagnostics');
    expect(r.getMiddlewarePlugin('mysql')).toBeUndefined();
    expect(r.getMiddlewarePlugin('analyzer')).toBeUndefined();
  });

  it('middlewareTypes lists the types that have a plugin, sorted', () => {
    const r = filled();
    expect(r.middlewareTypes()).toEqual(['kafka', 'redis']);
    r.unregister('kafka-diagnostics');
    expect(r.middlewareTypes()).toEqual(['redis']);
  });

  it('listByState follows setState, with getState agreeing', () => {
    const r = filled();
    expect(ids(r.listByState('Loaded'))).toHaveLength(4);
    r.setState('redis-diagnostics', 'Running');
    r.setState('kafka-diagnostics', 'Failed', { code: 'KSA_ERR_PLUGIN_CRASH', message: 'x', retryable: true });
    expect(ids(r.listByState('Running'))).toEqual(['redis-diagnostics']);
    expect(ids(r.listByState('Failed'))).toEqual(['kafka-diagnostics']);
    expect(ids(r.listByState('Loaded'))).toEqual(['redis-extra', 'report-analyzer']);
    expect(r.listByState('Stopped')).toEqual([]);
    expect(r.getState('redis-diagnostics')).toBe('Running');
    expect(r.get('kafka-diagnostics')?.lastError?.code).toBe('KSA_ERR_PLUGIN_CRASH');
    // Moving on keeps the last error (history of the last failure) but changes the index.
    r.setState('kafka-diagnostics', 'Loaded');
    expect(ids(r.listByState('Failed'))).toEqual([]);
    expect(r.get('kafka-diagnostics')?.lastError?.code).toBe('KSA_ERR_PLUGIN_CRASH');
  });

  it('setState/getState of an unknown id is KSA_ERR_UNKNOWN_PLUGIN', () => {
    const r = filled();
    expect(() => r.setState('nosuch', 'Running')).toThrowError(expect.objectContaining({ code: 'KSA_ERR_UNKNOWN_PLUGIN' }));
    expect(() => r.getState('nosuch')).toThrowError(expect.objectContaining({ code: 'KSA_ERR_UNKNOWN_PLUGIN' }));
  });

  it('unregister removes the plugin from every index; unknown ids return false', () => {
    const r = filled();
    r.setState('redis-diagnostics', 'Running');
    expect(r.unregister('redis-diagnostics')).toBe(true);
    expect(r.get('redis-diagnostics')).toBeUndefined();
    expect(ids(r.listByType('middleware:redis'))).toEqual(['redis-extra']);
    expect(ids(r.listByType('middleware'))).toEqual(['kafka-diagnostics', 'redis-extra']);
    expect(r.listByState('Running')).toEqual([]);
    expect(r.getMiddlewarePlugin('redis')?.manifest.id).toBe('redis-extra');
    expect(r.unregister('redis-diagnostics')).toBe(false);
    // The id is free again.
    r.register(entry('redis-diagnostics'));
    expect(r.get('redis-diagnostics')).toBeDefined();
  });

  it('lookups stay O(1)-ish: 20 000 plugins, 20 000 lookups by id, type and state well under a second', () => {
    const r = new PluginRegistry();
    for (let i = 0; i < 20_000; i++) r.register(entry(`p${i}-x`, { middleware: `m${i}` }));
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) {
      r.get(`p${i}-x`);
      r.getMiddlewarePlugin(`m${i}`);
      r.setState(`p${i}-x`, 'Running');
    }
    expect(r.listByState('Running')).toHaveLength(20_000);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
