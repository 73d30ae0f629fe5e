// Issue 19's alerting path end to end, as an SRE deploys it: a real Prometheus (Debian's) scrapes
// `ksa serve` (up == 1, OpenMetrics), evaluates the SHIPPED rules
// (examples/deploy/prometheus/ksa-rules.yml, changed only in `for:`, so that this takes seconds
// and not minutes) and sends to a real Alertmanager (Debian's), whose webhook receiver is an HTTP
// server of the test. A Redis fault (a throwaway redis-server filled to its maxmemory) turns the
// finding series to 1 and takes KsaFindingCritical pending, then firing; Alertmanager holds it and
// notifies; the fix (FLUSHALL) resolves it in Prometheus, then in Alertmanager, which sends the
// resolved notification. A healthy fixture target alongside raises nothing. Every process is
// killed by afterAll, and by the worker's exit when a hook throws (test/support/reap-on-exit.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort, startRedis, type RedisProcess } from '../integration/redis/redis-servers.js';
import { startAlertmanager, type AlertmanagerProcess } from '../support/alertmanager-process.js';
import { startHttpReceiver, type HttpReceiver, type ReceivedRequest } from '../support/http-receiver.js';
import { startPrometheus, type PrometheusAlert, type PrometheusProcess } from '../support/prometheus-process.js';
import { fixtureConfig, startServe, type ServeProcess } from '../support/serve-process.js';
import { repoRoot } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const shippedRules = join(repoRoot, 'examples/deploy/prometheus/ksa-rules.yml');
const FOR_SECONDS = 5;
const dir = mkdtempSync(join(tmpdir(), 'ksa-serve-prometheus-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
let redis: RedisProcess;
let serve: ServeProcess;
let hook: HttpReceiver;
let alertmanager: AlertmanagerProcess;
let prometheus: PrometheusProcess;

interface ShippedRule { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }
const shipped = () => parse(readFileSync(shippedRules, 'utf8')) as { groups: Array<{ name: string; rules: ShippedRule[] }> };

/** The shipped rules with every `for:` set to `seconds`; nothing else changes. */
function withShortFor(seconds: number): string {
  const doc = shipped();
  for (const group of doc.groups) for (const rule of group.rules) rule.for = `${seconds}s`;
  return stringify(doc);
}

// The one alert this test follows, with the label set Prometheus gives it from the shipped rule:
// the `max by` labels of the expression plus the rule's severity. ksa's own alertmanager notifier
// sends the same set (plugins/notifiers/alertmanager/alerts.ts), so both paths fold into one alert.
const expectedLabels = { alertname: 'KsaFindingCritical', target: 'cache', plugin: 'redis-diagnostics', type: 'redis', finding: 'redis.memory.usage', severity: 'critical' };
const isOurs = (labels: Record<string, string>) => labels.alertname === 'KsaFindingCritical' && labels.target === 'cache' && labels.finding === 'redis.memory.usage';

interface WebhookMessage { version: string; status: 'firing' | 'resolved'; receiver: string; alerts: Array<{ status: 'firing' | 'resolved'; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }> }
const notifications = (status: 'firing' | 'resolved') => hook.requests
  .map((r: ReceivedRequest) => r.json as WebhookMessage)
  .filter((m) => m?.status === status && m.alerts.some((a) => a.status === status && isOurs(a.labels)));

beforeAll(async () => {
  redis = await startRedis({ args: ['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction'] });
  cleanups.push(() => redis.stop());
  hook = await startHttpReceiver();
  cleanups.push(() => hook.close());
  // One notification group per alert, flushed a second after it changes. Prometheus gives each
  // alert its endsAt, so resolve_timeout plays no part: the resolved notice follows Prometheus'.
  alertmanager = await startAlertmanager({
    route: { receiver: 'hook', group_by: ['alertname', 'target', 'finding'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
    receivers: [{ name: 'hook', webhook_configs: [{ url: `${hook.url}/alertmanager`, send_resolved: true }] }],
  });
  cleanups.push(() => alertmanager.stop());
  const config = join(dir, 'ksa.yaml');
  writeFileSync(config, fixtureConfig({ ok: 'healthy' }, {
    moreTargets: [`- { name: cache, type: redis, endpoints: ["${redis.endpoint}"], categories: [memory], labels: { team: payments } }`],
  }));
  serve = await startServe(['--config', config, '--state-dir', join(dir, 'state')]);
  cleanups.push(async () => { serve.kill('SIGKILL'); await serve.exited; });
  const rules = join(dir, 'ksa-rules.yml');
  writeFileSync(rules, withShortFor(FOR_SECONDS));
  prometheus = await startPrometheus(await freePort(), [{ job: 'ksa', targets: [{ address: `127.0.0.1:${serve.port}` }] }], { ruleFiles: [rules], alertmanagers: [alertmanager.address] });
  cleanups.push(() => prometheus.stop());
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

describe('ksa serve -> Prometheus (the shipped rules) -> Alertmanager -> webhook', () => {
  it('Prometheus runs the shipped rules as they are, but for `for:`', async () => {
    const res = await (await fetch(`${prometheus.url}/api/v1/rules?type=alert`)).json() as { data: { groups: Array<{ name: string; rules: Array<{ name: string; query: string; duration: number; labels: Record<string, string>; annotations: Record<string, string>; health: string }> }> } };
    const loaded = res.data.groups.flatMap((g) => g.rules);
    const want = shipped().groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name)).toEqual(want.map((r) => r.alert));
    for (const [i, rule] of loaded.entries()) {
      expect(rule.health, rule.name).not.toBe('err');
      expect(rule.duration, rule.name).toBe(FOR_SECONDS);
      expect(rule.query, rule.name).toBe(want[i]!.expr);
      expect(rule.labels, rule.name).toEqual(want[i]!.labels);
      expect(rule.annotations, rule.name).toEqual(want[i]!.annotations);
    }
  });

  it('it scrapes ksa serve (up == 1, as OpenMetrics) and sees the Redis target healthy: no finding series, no alert', async () => {
    await waitFor('Prometheus to scrape ksa serve (up == 1)', async () => (await prometheus.query('up{job="ksa"}'))[0]?.value[1] === '1', 20_000, 200);
    for (const target of ['cache', 'ok']) await waitFor(`ksa_target_up of ${target} in Prometheus`, async () => (await prometheus.query(`ksa_target_up{target="${target}"}`))[0]?.value[1] === '1', 20_000, 200);
    // Scraped as OpenMetrics (Prometheus asks for it first): the counter keeps its _total.
    expect((await prometheus.query('ksa_scheduler_cycles_total'))[0]?.value[1]).toMatch(/^\d+$/);
    expect(await prometheus.query('ksa_finding_firing{target="cache"}')).toEqual([]);
    expect((await prometheus.alerts()).filter((a) => a.labels.target === 'cache')).toEqual([]);
    expect(await alertmanager.alerts(['target="cache"'])).toEqual([]);
  });

  it(`a Redis fault (maxmemory filled): the finding series turns 1, KsaFindingCritical goes pending, then firing after for: ${FOR_SECONDS}s`, async () => {
    const faultAt = Date.now();
    redis.fillToOom();
    const series = 'ksa_finding_firing{target="cache",finding="redis.memory.usage",severity="critical"}';
    await waitFor('redis.memory.usage firing critical for the Redis target in Prometheus', async () => (await prometheus.query(series))[0]?.value[1] === '1', 20_000, 200);
    // The series as exported: ksa's labels, then the target's (team), then the scrape's (job).
    expect((await prometheus.query(series))[0]!.metric).toMatchObject({ job: 'ksa', plugin: 'redis-diagnostics', type: 'redis', team: 'payments', severity: 'critical' });
    // Watch the alert live: every state it is seen in, and when.
    const seen: Array<{ at: number; alert: PrometheusAlert }> = [];
    await waitFor('KsaFindingCritical firing in Prometheus', async () => {
      const alert = (await prometheus.alerts()).find((a) => isOurs(a.labels));
      if (alert) seen.push({ at: Date.now(), alert });
      return alert?.state === 'firing';
    }, 30_000, 200);
    // The alert that fired was seen pending first (same activeAt), and fired no sooner than `for:` after.
    const firing = seen.at(-1)!;
    const pending = seen.find((s) => s.alert.state === 'pending' && s.alert.activeAt === firing.alert.activeAt);
    expect(pending, `pending before firing (seen: ${JSON.stringify(seen.map((s) => [s.alert.state, s.alert.activeAt]))})`).toBeDefined();
    expect(pending!.alert.labels).toEqual(expectedLabels);
    expect(firing.at - Date.parse(firing.alert.activeAt)).toBeGreaterThanOrEqual(FOR_SECONDS * 1000 - 1);
    expect(firing.alert.labels).toEqual(expectedLabels);
    expect(firing.alert.annotations.summary).toBe('redis.memory.usage is critical on cache');
    // Prometheus' own record of it: ALERTS samples pending over the `for:` window (one an evaluation,
    // about 5; at least 2 asked, as a loaded machine may skip evaluations), then firing.
    const alerts = (state: string) => prometheus.query(`count_over_time(ALERTS{alertname="KsaFindingCritical",target="cache",finding="redis.memory.usage",alertstate="${state}"}[2m])`);
    expect(Number((await alerts('pending'))[0]?.value[1])).toBeGreaterThanOrEqual(2);
    expect(Number((await alerts('firing'))[0]?.value[1])).toBeGreaterThanOrEqual(1);
    expect((await prometheus.alerts()).filter((a) => a.labels.target === 'ok')).toEqual([]);
    console.info(`serve-prometheus: fault -> finding series 1 and pending/firing: pending first seen ${pending!.at - faultAt} ms after the fault, firing ${firing.at - faultAt} ms`);
  }, 60_000);

  it('Alertmanager holds it with the rule\'s labels and annotations, and its webhook receiver got the firing notification', async () => {
    await waitFor('the alert in Alertmanager', async () => (await alertmanager.alerts(['target="cache"'])).some((a) => isOurs(a.labels)), 20_000, 200);
    const held = (await alertmanager.alerts(['target="cache"'])).find((a) => isOurs(a.labels))!;
    expect(held.labels).toEqual(expectedLabels);
    expect(held.status.state).toBe('active');
    expect(held.receivers.map((r) => r.name)).toEqual(['hook']);
    expect(held.annotations.summary).toBe('redis.memory.usage is critical on cache');
    expect(held.annotations.description).toMatch(/^ksa \(redis-diagnostics\) reports redis\.memory\.usage firing at critical severity on cache .*`ksa explain redis\.memory\.usage`/);
    await waitFor('the firing notification at the webhook', () => notifications('firing').length > 0, 20_000, 200);
    const message = notifications('firing')[0]!;
    expect(message).toMatchObject({ version: '4', receiver: 'hook', status: 'firing' });
    expect(message.alerts.find((a) => isOurs(a.labels))!.labels).toEqual(expectedLabels);
    expect(hook.requests.every((r) => r.method === 'POST' && r.path === '/alertmanager')).toBe(true);
    expect(hook.requests.some((r) => r.raw.includes('"target":"ok"'))).toBe(false);
  }, 45_000);

  it('the fix (FLUSHALL): the series goes, the alert resolves in Prometheus and Alertmanager, which sends the resolved notification', async () => {
    const fixedAt = Date.now();
    redis.cli('FLUSHALL');
    await waitFor('the finding series gone from Prometheus', async () => (await prometheus.query('ksa_finding_firing{target="cache",finding="redis.memory.usage"}')).length === 0, 20_000, 200);
    await waitFor('the alert gone from Prometheus\' active alerts', async () => !(await prometheus.alerts()).some((a) => isOurs(a.labels)), 20_000, 200);
    const inactiveAt = Date.now();
    await waitFor('the resolved notification at the webhook', () => notifications('resolved').length > 0, 20_000, 200);
    const resolvedAt = Date.now();
    const resolved = notifications('resolved')[0]!.alerts.find((a) => isOurs(a.labels))!;
    expect(resolved.labels).toEqual(expectedLabels);
    expect(Date.parse(resolved.endsAt)).toBeLessThanOrEqual(Date.now());
    // Alertmanager no longer holds it as active.
    const still = (await alertmanager.alerts(['target="cache"'])).filter((a) => isOurs(a.labels) && a.status.state === 'active' && Date.parse(a.endsAt) > Date.now());
    expect(still).toEqual([]);
    console.info(`serve-prometheus: fix -> inactive in Prometheus ${inactiveAt - fixedAt} ms, resolved notification ${resolvedAt - fixedAt} ms`);
  }, 60_000);
});
