// `ksa notify test <route>` sends a sample through every receiver of the route, for real (the
// user-hook fixture POSTs to a receiver this test runs), and says what each answered; a
// misspelt route or a bad receiver config is one line with the fix, exit 3; `ksa config validate`
// checks notify: against the loaded notifier plugins; `ksa schema notification` is a JSON Schema.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { repoRoot } from '../support/services.js';
import { spawnKsa } from '../support/spawn-ksa.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-notify-cmd-'));
let receiver: HttpReceiver;
beforeAll(async () => { receiver = await startHttpReceiver((_r, n) => ({ status: n === 0 ? 200 : 503 })); });
afterAll(async () => { await receiver.close(); rmSync(dir, { recursive: true, force: true }); });

const ksa = (args: string[]) => spawnKsa(args, {}, /^KSA_/);

function config(name: string, receiverConfig: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    'targets:',
    '  - {name: cache-1, type: redis, endpoints: ["127.0.0.1:1"], labels: {team: db}}',
    'plugins:',
    `  discovery: {packages: ["${join(repoRoot, 'test/fixtures/plugins/hook-notifier')}"]}`,
    'notify:',
    '  receivers:',
    `    hook: {plugin: hook-notifier, config: ${receiverConfig}}`,
    '  routes:',
    '    - {name: db-team, receivers: [hook]}',
  ].join('\n'));
  return file;
}

describe('ksa notify test', () => {
  it('sends a sample through the route: exit 0 when taken, 1 when the receiver answers 503', async () => {
    const file = config('ok', `{url: "${receiver.url}/t?token=notify-cmd-secret"}`);
    const ok = await ksa(['notify', 'test', 'db-team', '--config', file]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^hook \(hook-notifier\): sent: HTTP 200 \[key ntf-[0-9a-f]{8}-[0-9a-f]{16}\]\n$/);
    expect(receiver.requests).toHaveLength(1);
    expect((receiver.requests[0]!.json as { kinds: string[] }).kinds).toEqual(['firing']);
    const refused = await ksa(['notify', 'test', 'db-team', '--config', file, '--status', 'resolved']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^hook \(hook-notifier\): retry: HTTP 503/);
    expect((receiver.requests[1]!.json as { kinds: string[] }).kinds).toEqual(['resolved']);
    expect(ok.stdout + refused.stdout + refused.stderr).not.toContain('notify-cmd-secret');
  });

  it('a misspelt route: one line, did-you-mean, exit 3', async () => {
    const r = await ksa(['notify', 'test', 'db-tea', '--config', config('typo', `{url: "${receiver.url}"}`)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ksa: KSA_ERR_BAD_INPUT no route "db-tea" in .* \(routes: db-team\): did you mean db-team\?\n$/);
  });

  it('a receiver config the plugin does not declare: refused by notify test and config validate, exit 3', async () => {
    const file = config('bad', `{url: "${receiver.url}", urll: x}`);
    for (const args of [['notify', 'test', 'db-team', '--config', file], ['config', 'validate', '--config', file]]) {
      const r = await ksa(args);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toMatch(/KSA_ERR_CONFIG_INVALID .*notify\.receivers\.hook\.config\.urll: hook-notifier has no option "urll"/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    const notNotifier = config('middleware', `{url: "${receiver.url}"}`);
    writeFileSync(notNotifier, readFileSync(notNotifier, 'utf8').replace('plugin: hook-notifier', 'plugin: redis-diagnostics'));
    const r = await ksa(['config', 'validate', '--config', notNotifier]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/notify\.receivers\.hook\.plugin: "redis-diagnostics" is not a loaded notifier plugin \(notifiers: alertmanager, email, pagerduty, slack, teams, webhook, hook-notifier\)/);
  });

  it('ksa schema notification: a JSON Schema of the notification', async () => {
    const r = await ksa(['schema', 'notification']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { $id: string; properties: Record<string, unknown> };
    expect(schema.$id).toBe('https://kubestack.ai/ksa/schemas/notification-v1.json');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['key', 'route', 'receiver', 'status', 'alerts', 'events', 'rendered']));
  });
});
