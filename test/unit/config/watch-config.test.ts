// ksa.yaml watch: (watcher-wide settings): the audit log's rotation, sizes in KiB/MiB/GiB, typos
// answered with the closest key, out-of-range values refused with the accepted range.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { checkConfig } from '../../../src/config/load-config.js';
import { DEFAULT_ROTATION } from '../../../src/watch/rotating-file.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-watch-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = 'targets:\n  - {name: r, type: redis, endpoints: ["127.0.0.1:6379"]}\n';

function check(watch: string) {
  const file = join(dir, 'ksa.yaml');
  writeFileSync(file, `${base}watch:\n${watch}`);
  const { config, errors } = checkConfig(file, {});
  return { audit: config?.watch?.audit, errors: errors.map((e) => e.message) };
}

describe('ksa.yaml watch.audit', () => {
  it.each([
    ['  audit: {maxSize: 512KiB, keep: 3}\n', { maxBytes: 512 * 1024, keep: 3 }],
    ['  audit: {maxSize: 1.5MiB}\n', { maxBytes: 1.5 * 1024 * 1024, keep: DEFAULT_ROTATION.keep }],
    ['  audit: {keep: 20}\n', { maxBytes: DEFAULT_ROTATION.maxBytes, keep: 20 }],
    ['  audit: {maxSize: 1KiB, keep: 1}\n', { maxBytes: 1024, keep: 1 }],
    ['  audit: {maxSize: 1GiB, keep: 100}\n', { maxBytes: 1024 ** 3, keep: 100 }],
    ['  audit: {maxSize: 4096B}\n', { maxBytes: 4096, keep: DEFAULT_ROTATION.keep }],
  ])('%s -> %j', (yaml, want) => {
    expect(check(yaml)).toEqual({ audit: want, errors: [] });
  });

  it('without watch: the audit log keeps its defaults (10 MiB, 5 archives)', () => {
    const file = join(dir, 'plain.yaml');
    writeFileSync(file, base);
    expect(checkConfig(file, {}).config?.watch).toBeUndefined();
    expect(DEFAULT_ROTATION).toEqual({ maxBytes: 10 * 1024 * 1024, keep: 5 });
  });

  it.each([
    ['  audit: {kep: 3}\n', 'watch.audit: unknown key "kep" (did you mean "keep"?)'],
    ['  audit: {maxsize: 1MiB}\n', 'watch.audit: unknown key "maxsize" (did you mean "maxSize"?)'],
    ['  audti: {keep: 3}\n', 'watch: unknown key "audti" (did you mean "audit"?)'],
    ['  audit: {maxSize: 10MB}\n', 'watch.audit.maxSize: a size such as 512KiB, 10MiB or 1GiB'],
    ['  audit: {maxSize: 1023B}\n', 'watch.audit.maxSize: between 1 KiB and 1 GiB'],
    ['  audit: {maxSize: 2GiB}\n', 'watch.audit.maxSize: between 1 KiB and 1 GiB'],
    ['  audit: {keep: 0}\n', 'watch.audit.keep: '],
    ['  audit: {keep: 101}\n', 'watch.audit.keep: '],
    ['  audit: {keep: 2.5}\n', 'watch.audit.keep: '],
  ])('%s is refused: %s', (yaml, message) => {
    const { audit, errors } = check(yaml);
    expect(audit).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    expect(errors[0]).toMatch(/ksa\.yaml:\d+/); // names the file and the line
  });
});
