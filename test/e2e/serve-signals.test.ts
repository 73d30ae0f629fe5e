// ksa serve operated as a service: SIGTERM stops accepting connections, finishes the loop and
// exits 0 within the grace period; /readyz answered 200 before it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureConfig, startServe } from '../support/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-serve-signals-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

describe('ksa serve signals', () => {
  it('SIGTERM: exits 0 within the grace period (a hung cycle in flight), and the port is closed', async () => {
    const file = join(dir, 'ksa.yaml');
    writeFileSync(file, fixtureConfig({ ok: 'healthy', stuck: 'hang' }, { perTarget: { stuck: ['timeout: 30s'] }, interval: '300ms' }));
    const serve = await startServe(['--config', file, '--state-dir', join(dir, 'state'), '--grace', '1s']);
    cleanups.push(async () => { serve.kill('SIGKILL'); await serve.exited; });
    expect((await fetch(serve.url('/readyz'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 800)); // the hung cycle is in flight by now
    const t0 = Date.now();
    serve.kill('SIGTERM');
    const { code } = await serve.exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000); // grace 1 s + the bounded close (1.5 s) + a loaded machine's margin
    await expect(fetch(serve.url('/healthz'))).rejects.toThrow();
  });
});
