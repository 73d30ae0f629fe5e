// Recovery rules in ksa.yaml (schema, did-you-mean), templates from hostile evidence, typed
// parameters, rule matching and the argv of recovery commands: pure, on fixtures.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { checkConfig } from '../../../src/config/load-config.js';
import { checkParams } from '../../../src/core/action-params.js';
import { render } from '../../../src/recovery/template.js';
import { compileRules, matchingRules, triggerOf } from '../../../src/recovery/rule-match.js';
import { commandArgv, commandEnv } from '../../../src/recovery/command-line.js';
import { RecoveryConfigSchema } from '../../../src/recovery/rule-schema.js';
import type { WatchEvent } from '../../../src/watch/events.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-rules-'));
function check(yaml: string) {
  const file = join(dir, 'ksa.yaml');
  writeFileSync(file, yaml);
  return checkConfig(file, {});
}
const base = 'targets:\n  - {name: db, type: pg, endpoints: ["127.0.0.1:5432"], labels: {env: prod}}\n';

describe('recovery: in ksa.yaml', () => {
  it('accepts a rule, fills the defaults (dry-run, 5 actions per minute, 3 attempts)', () => {
    const { config, errors } = check(`${base}recovery:\n  rules:\n    - name: end-blocker\n      match: {finding: "x.locks.*", severity: warning, target: "d*", labels: {env: prod}, for: 30s}\n      action: {plugin: p, name: terminate-backend, params: {pid: "{{finding.evidence.blockers.0.pid}}"}}\n`);
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(config!.recovery!.mode).toBe('dry-run');
    expect(config!.recovery!.rateLimit).toEqual({ actions: 5, per: '1m' });
    expect(config!.recovery!.defaults.maxAttempts).toBe(3);
  });
  it('an unknown key gets did-you-mean, with the line', () => {
    const { errors } = check(`${base}recovery:\n  rules:\n    - name: r\n      match: {finding: a.b, severty: critical}\n      action: {plugin: p, name: a}\n`);
    expect(errors[0]!.message).toMatch(/ksa\.yaml:\d+: recovery\.rules\[0\]\.match: unknown key "severty" \(did you mean "severity"\?\)/);
    const { errors: e2 } = check(`${base}recovery:\n  mode: enforce\n  rulez: []\n`);
    expect(e2[0]!.message).toMatch(/unknown key "rulez" \(did you mean "rules"\?\)/);
  });
  it('refuses a rule matching both or neither of finding/unreachable, a bad mode, duplicate names', () => {
    expect(RecoveryConfigSchema.safeParse({ rules: [{ name: 'r', match: { finding: 'a.b', unreachable: true }, action: { plugin: 'p', name: 'a' } }] }).success).toBe(false);
    expect(RecoveryConfigSchema.safeParse({ rules: [{ name: 'r', match: {}, action: { plugin: 'p', name: 'a' } }] }).success).toBe(false);
    expect(RecoveryConfigSchema.safeParse({ mode: 'on' }).success).toBe(false);
    const dup = RecoveryConfigSchema.safeParse({ rules: [1, 2].map(() => ({ name: 'r', match: { unreachable: true }, action: { plugin: 'p', name: 'a' } })) });
    expect(dup.error?.issues[0]?.message).toMatch(/duplicate rule name "r"/);
  });
});

const hostile = {
  finding: {
    id: 'x.locks.blocked',
    evidence: {
      blockers: [{ pid: 4242, user: 'app' }],
      semi: 'a; rm -rf /',
      newline: 'a\nb',
      flag: '--exec=/bin/sh',
      nested: { deep: 1 },
      dollar: '$(reboot)',
    },
  },
  target: { name: 'db' },
};

describe('templates: from the finding into parameters', () => {
  it('a whole placeholder keeps its type; text placeholders give text', () => {
    expect(render('{{finding.evidence.blockers.0.pid}}', hostile, 'p')).toBe(4242);
    expect(render('pid-{{ finding.evidence.blockers.0.pid }}@{{target.name}}', hostile, 'p')).toBe('pid-4242@db');
    expect(render(['/bin/fix', '{{target.name}}', 7], hostile, 'p')).toEqual(['/bin/fix', 'db', 7]);
  });
  it('shell metacharacters pass as inert text (no shell ever runs), but never newlines, leading dashes or objects', () => {
    expect(render('{{finding.evidence.semi}}', hostile, 'p')).toBe('a; rm -rf /');
    expect(render('{{finding.evidence.dollar}}', hostile, 'p')).toBe('$(reboot)');
    expect(() => render('{{finding.evidence.newline}}', hostile, 'p')).toThrow(/control character/);
    expect(() => render('{{finding.evidence.flag}}', hostile, 'p')).toThrow(/begins with "-"/);
    expect(() => render(['/bin/x', '{{finding.evidence.flag}}'], hostile, 'p')).toThrow(/begins with "-"/);
    expect(() => render('{{finding.evidence.nested}}', hostile, 'p')).toThrow(/is an object/);
  });
  it('a missing path names what is there', () => {
    expect(() => render('{{finding.evidence.blocker.0.pid}}', hostile, 'p')).toThrow(/not in the finding \(there: blockers, semi, newline, flag, nested, dollar\)/);
  });
});

describe('typed parameters', () => {
  const specs = { pid: { type: 'integer' as const, min: 1, required: true } };
  it('coerces and checks; did-you-mean on an unknown name; required ones', () => {
    expect(checkParams(specs, { pid: '4242' }, 'params')).toEqual({ pid: 4242 });
    expect(() => checkParams(specs, { pid: 0 }, 'params')).toThrow(/params\.pid \(0\) is below the minimum 1/);
    expect(() => checkParams(specs, { pid: 'a; rm' }, 'params')).toThrow(/is not an integer/);
    expect(() => checkParams(specs, { pdi: 1 }, 'params')).toThrow(/did you mean pid\?/);
    expect(() => checkParams(specs, {}, 'params')).toThrow(/params\.pid is required/);
    expect(checkParams(specs, { pid: '{{x}}' }, 'params', { skip: (v) => String(v).includes('{{') })).toEqual({});
  });
});

const firing = (id: string, severity: 'warning' | 'critical', target = 'db'): WatchEvent => ({
  schemaVersion: 1, seq: 1, id: 'ev-00000000-1-1', kind: 'finding', at: '2026-12-04T10:00:00.000Z', target, plugin: 'p', from: 'pending', to: 'firing',
  episode: `${target}/${id}/1`, since: '2026-12-04T10:00:00.000Z', reason: 'r', finding: { id, category: 'c', title: 't', severity, evidence: {}, suggestion: 's' },
});

describe('rule matching', () => {
  const rules = compileRules(RecoveryConfigSchema.parse({ rules: [
    { name: 'glob', match: { finding: 'x.locks.*', target: 'd*' }, action: { plugin: 'p', name: 'a' } },
    { name: 'crit', match: { finding: 'x.**', severity: 'critical', labels: { env: 'prod' } }, action: { plugin: 'p', name: 'a' } },
    { name: 'down', match: { unreachable: true }, action: { plugin: 'p', name: 'a' } },
  ] }).rules);
  const names = (e: WatchEvent, labels?: Record<string, string>) => matchingRules(rules, triggerOf(e)!, labels).map((r) => r.rule.name);
  it('on finding id glob, target glob, minimum severity and labels', () => {
    expect(names(firing('x.locks.blocked', 'warning'))).toEqual(['glob']);
    expect(names(firing('x.locks.blocked', 'critical'), { env: 'prod' })).toEqual(['glob', 'crit']);
    expect(names(firing('x.locks.blocked', 'critical'), { env: 'dev' })).toEqual(['glob']);
    expect(names(firing('x.locks.blocked', 'warning', 'cache'))).toEqual([]);
    expect(names(firing('x.memory.used', 'warning'))).toEqual([]);
  });
  it('an unknown target matches only unreachable rules; resolved/pending transitions open nothing', () => {
    const down = { ...firing('x', 'warning'), kind: 'target', from: 'pending', to: 'unknown', episode: 'db/unknown/1' } as unknown as WatchEvent;
    expect(names(down)).toEqual(['down']);
    expect(triggerOf({ ...firing('x.a', 'warning'), to: 'resolved' } as WatchEvent)).toBeUndefined();
    expect(triggerOf({ ...firing('x.a', 'warning'), to: 'pending' } as WatchEvent)).toBeUndefined();
  });
});

describe('recovery command argv', () => {
  const target = { name: 'db' };
  it('one item per argument; a list parameter alone fills several; an absent optional drops its item', () => {
    expect(commandArgv(['{{params.argv}}'], { argv: ['/bin/fix', 'a b', '; rm -rf /'] }, target)).toEqual(['/bin/fix', 'a b', '; rm -rf /']);
    expect(commandArgv(['ssh', '-oBatchMode=yes', '-oPort={{params.port}}', '--', '{{params.host}}', 'systemctl', 'restart', '--', '{{params.unit}}'], { host: 'h1', unit: 'r.service' }, target))
      .toEqual(['ssh', '-oBatchMode=yes', '--', 'h1', 'systemctl', 'restart', '--', 'r.service']);
    expect(commandArgv(['x', '--limit={{params.limit}}', '{{target.name}}'], { limit: 'a,b' }, target)).toEqual(['x', '--limit=a,b', 'db']);
  });
  it('the environment names the target and finding, strips endpoint userinfo and passes on no other variable', () => {
    const env = commandEnv({ target: { name: 'db', type: 'pg', endpoints: ['pg://u:secret@h:5432/x'] }, rule: 'r', episode: 'e', attempt: 2, finding: { id: 'x.a', severity: 'warning' } }, { PATH: '/bin', PGPASSWORD: 'secret', AWS_SECRET: 'k' });
    expect(env).toEqual({ PATH: '/bin', KSA_TARGET: 'db', KSA_TARGET_TYPE: 'pg', KSA_ENDPOINT: 'pg://h:5432/x', KSA_ENDPOINTS: 'pg://h:5432/x', KSA_RULE: 'r', KSA_EPISODE: 'e', KSA_ATTEMPT: '2', KSA_FINDING_ID: 'x.a', KSA_FINDING_SEVERITY: 'warning', KSA_FINDING_NODE: '' });
  });
});

describe('docs/RECOVERY.md', () => {
  it("its ksa.yaml example is valid, and its rules name real plugins, actions and parameters", async () => {
    const { readFileSync } = await import('node:fs');
    const { repoRoot } = await import('../../support/services.js');
    const { PluginManager } = await import('../../../src/core/manager.js');
    const { registerRecoveryPlugins, checkRules } = await import('../../../src/recovery/action-catalog.js');
    const doc = readFileSync(join(repoRoot, 'docs', 'RECOVERY.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const { config, errors } = check(example);
    expect(errors.map((e) => e.message)).toEqual([]);
    const manager = await new PluginManager({ packageRoot: repoRoot, logger: { error() {}, warn() {}, info() {}, debug() {} } }).load();
    registerRecoveryPlugins(manager, repoRoot);
    expect([...checkRules(manager, config!.recovery!).values()].map((a) => `${a.pluginId}/${a.spec.name}`)).toEqual(['postgres-diagnostics/terminate-backend', 'recovery-systemd/restart-over-ssh']);
    // A misspelt action is refused with the nearest name.
    const bad = { ...config!.recovery!, rules: [{ ...config!.recovery!.rules[0]!, action: { plugin: 'postgres-diagnostics', name: 'terminate-backnd', params: {} } }] };
    expect(() => checkRules(manager, bad)).toThrow(/has no action "terminate-backnd".*did you mean terminate-backend\?/);
    const badParam = { ...config!.recovery!, rules: [{ ...config!.recovery!.rules[0]!, action: { plugin: 'postgres-diagnostics', name: 'terminate-backend', params: { pdi: 1 } } }] };
    expect(() => checkRules(manager, badParam)).toThrow(/params\.pdi: unknown parameter.*did you mean pid\?/);
    const badLiteral = { ...config!.recovery!, rules: [{ ...config!.recovery!.rules[0]!, action: { plugin: 'postgres-diagnostics', name: 'terminate-backend', params: { pid: 'all' } } }] };
    expect(() => checkRules(manager, badLiteral)).toThrow(/KSA_ERR_CONFIG_INVALID|is not an integer/);
    await manager.close();
  });
});
