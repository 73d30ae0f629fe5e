// `ksa serve` as Prometheus sees it: /metrics passes `promtool check metrics` and negotiates
// OpenMetrics; /probe refuses what is not a configured target (SSRF), shares one cycle between
// concurrent scrapes, answers from its cache window and within the scrape's timeout; the shipped
// rules pass promtool. /healthz and /readyz answer. The fixture plugin plays the targets. A real
// Prometheus and Alertmanager on the shipped rules: test/e2e/serve-prometheus.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/services.js';
import { fixtureConfig, startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-serve-exporter-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
let serve: ServeProcess;

beforeAll(async () => {
  // ok/crit on a fast schedule; slow (300 ms a cycle) and stuck (never answers) scheduled once an
  // hour, so their cycles in this test are the probes' own.
  const file = join(dir, 'ksa.yaml');
  writeFileSync(file, fixtureConfig({ ok: 'healthy', crit: 'critical', slow: 'slow', stuck: 'hang' }, {
    perTarget: { ok: ['labels: { team: "pay\\"ments", env: prod }'], slow: ['interval: 1h'], stuck: ['interval: 1h', 'timeout: 20s'] },
    tail: ['serve:', '  probe:', '    cache: 2s', '    adhoc: { fixture: ["127.0.0.*:7000"] }'],
  }));
  serve = await startServe(['--config', file, '--state-dir', join(dir, 'state')]);
  cleanups.push(async () => { serve.kill('SIGKILL'); await serve.exited; });
  await waitFor('the first cycles of ok and crit', async () => {
    const body = await (await fetch(serve.url('/metrics'))).text();
    return ['ok', 'crit'].every((t) => body.includes(`ksa_target_up{target="${t}"`));
  }, 15_000, 100);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function text(path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(serve.url(path), { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

function sample(body: string, series: RegExp): number | undefined {
  const line = body.split('\n').find((l) => series.test(l));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('ksa serve: the exporter', () => {
  it('/healthz and /readyz answer 200 once the loop runs', async () => {
    expect((await text('/healthz')).status).toBe(200);
    const ready = await text('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', targets: 4 });
  });

  it('/metrics: the text format passes `promtool check metrics` (lint included); label values escaped; OpenMetrics when asked, ending in # EOF', async () => {
    const plain = await text('/metrics');
    expect(plain.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: plain.body, encoding: 'utf8' });
    expect(check.error, 'promtool is installed by scripts/services.sh (package prometheus)').toBeUndefined();
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    expect(plain.body).toContain('ksa_target_up{target="ok",plugin="fixture-diagnostics",type="fixture",team="pay\\"ments",env="prod"} 1');
    expect(sample(plain.body, /^ksa_finding_firing\{target="crit",.*finding="fixture\.alpha\.level",severity="critical"\}/)).toBe(1);
    expect(sample(plain.body, /^ksa_fixture_level\{target="crit"/)).toBe(95);
    const om = await text('/metrics', { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' });
    expect(om.type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    expect(om.body).toContain('# TYPE ksa_scheduler_cycles counter\nksa_scheduler_cycles_total ');
  });

  it('/probe refuses anything but a configured target: host:port, URLs, unknown names (404), ad-hoc endpoints ksa.yaml does not allow (403)', async () => {
    for (const target of ['127.0.0.1:6379', 'http://169.254.169.254/latest/meta-data', 'nope', '', '../metrics']) {
      const r = await text(`/probe?target=${encodeURIComponent(target)}`);
      expect(r.status, target).toBe(404);
      expect(r.body).toMatch(/unknown_target/);
    }
    for (const [module, target] of [['fixture', '127.0.0.1:7001'], ['fixture', '10.0.0.1:7000'], ['redis', '127.0.0.1:7000'], ['fixture', 'http://127.0.0.1:7000'], ['fixture', '127.0.0.1:7000/x'], ['fixture', 'user@127.0.0.1:7000']]) {
      const r = await text(`/probe?module=${module}&target=${encodeURIComponent(target!)}`);
      expect(r.status, `${module} ${target}`).toBe(403);
      expect(r.body).toMatch(/adhoc_refused/);
    }
  });

  it('/probe?module=: an endpoint serve.probe.adhoc allows is diagnosed once, then answered from the cache window', async () => {
    const first = await text('/probe?module=fixture&target=127.0.0.1:7000');
    expect(first.status, first.body).toBe(200);
    expect(sample(first.body, /^ksa_probe_success /)).toBe(1);
    expect(sample(first.body, /^ksa_probe_cached /)).toBe(0);
    expect(first.body).toContain('ksa_target_up{target="127.0.0.1:7000",plugin="fixture-diagnostics",type="fixture"} 1');
    const again = await text('/probe?module=fixture&target=127.0.0.1:7000');
    expect(sample(again.body, /^ksa_probe_cached /)).toBe(1);
    // Not a target of the loop: nothing of it in /metrics.
    expect((await text('/metrics')).body).not.toContain('target="127.0.0.1:7000"');
  });

  it('/probe: five concurrent scrapes of one target share one cycle; a scrape in the cache window runs none', async () => {
    const cycles = async () => sample((await text('/metrics')).body, /^ksa_target_cycles_total\{target="slow"/);
    // `slow` has had no cycle yet (the first of its hourly schedule is minutes away).
    expect(await cycles()).toBe(0);
    const probes = await Promise.all(Array.from({ length: 5 }, () => text('/probe?target=slow')));
    for (const p of probes) {
      expect(p.status).toBe(200);
      expect(sample(p.body, /^ksa_probe_success /)).toBe(1);
      expect(sample(p.body, /^ksa_probe_cached /)).toBe(0);
      expect(p.body).toContain('ksa_target_up{target="slow",plugin="fixture-diagnostics",type="fixture"} 1');
      expect(p.body).not.toContain('target="ok"'); // one target's series only
    }
    expect(await cycles(), 'five concurrent probes, one cycle').toBe(1);
    const perTarget = probes.map((p) => sample(p.body, /^ksa_target_last_cycle_timestamp_seconds\{target="slow"/));
    expect(new Set(perTarget).size, 'all five answered with the same cycle').toBe(1);
    const cached = await text('/probe?target=slow');
    expect(sample(cached.body, /^ksa_probe_cached /)).toBe(1);
    expect(sample(cached.body, /^ksa_target_last_cycle_timestamp_seconds\{target="slow"/)).toBe(perTarget[0]);
    expect(await cycles()).toBe(1);
  });

  it('/probe honours X-Prometheus-Scrape-Timeout-Seconds: a hung target answers ksa_probe_success 0 before the scrape times out', async () => {
    const t0 = Date.now();
    const r = await text('/probe?target=stuck', { 'x-prometheus-scrape-timeout-seconds': '1.5' });
    const tookMs = Date.now() - t0;
    expect(r.status).toBe(200);
    expect(sample(r.body, /^ksa_probe_success /)).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(900); // waited its budget (1.5 s less the 0.5 s margin)
    expect(tookMs).toBeLessThan(1500); // and answered before Prometheus would give up
  });

  it('the shipped rules pass `promtool check rules` and their unit tests (`promtool test rules`: pending at 1m, firing at 2m30s, ...)', () => {
    const rules = join(repoRoot, 'examples/deploy/prometheus');
    const check = spawnSync('promtool', ['check', 'rules', 'ksa-rules.yml'], { cwd: rules, encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    expect(check.stdout).toMatch(/SUCCESS: 5 rules found/);
    const test = spawnSync('promtool', ['test', 'rules', 'ksa-rules.test.yml'], { cwd: rules, encoding: 'utf8' });
    expect(test.status, `${test.stdout}${test.stderr}`).toBe(0);
  });
});
