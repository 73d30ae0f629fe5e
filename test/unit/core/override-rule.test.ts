// One rule for overrides (issue 14 item 4): an override changes a threshold's limits, and the
// severity and the displayed threshold both follow it; a state rule (fixed severity) has no limits,
// is never overridden by the SDK, and an override of its id is refused from the manifest alone.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refusedThresholdKey } from '../../../src/core/threshold-keys.js';
import { createCheckContext, defineStateRule, defineThreshold, thresholdsIn } from '../../../src/sdk/index.js';
import { manifestProblems } from '../../../src/testing/manifest-contract.js';
import redis from '../../../plugins/redis/index.js';
import mysql from '../../../plugins/mysql/index.js';
import postgres from '../../../plugins/postgres/index.js';
import kafka from '../../../plugins/kafka/index.js';
import http from '../../../plugins/http/index.js';
import prometheus from '../../../plugins/prometheus/index.js';
import { loadBuiltinManifest } from '../../support/plugin-harness.js';
import { repoRoot } from '../../support/services.js';

const RULE = defineStateRule({ id: 'demo.security.trust', source: 'demo docs: trust is critical https://docs.example.org/auth#trust' });
const LIMIT = defineThreshold({ id: 'demo.connection.usage', warning: 80, critical: 90, direction: 'above', unit: '%', source: 'demo default' });
const draft = { title: 't', detail: 'd', suggestion: 's' };

describe('the SDK applies an override to severity and display together', () => {
  const overrides = { 'demo.connection.usage': { warning: 5 }, 'demo.security.trust': { warning: 5 } };
  const ctx = createCheckContext('security', overrides, () => undefined);

  it('judge: severity and shown limits are the overridden ones', () => {
    const f = ctx.judge(LIMIT, 10, draft)!;
    expect(f).toMatchObject({ severity: 'warning', threshold: { warning: 5, critical: 90 } });
    expect(f.threshold!.source).toMatch(/^override/);
  });

  it('a state rule keeps its severity and is shown as the rule, never as an override', () => {
    const f = ctx.finding({ ...draft, id: RULE.id, severity: 'critical', threshold: RULE });
    expect(f).toMatchObject({ severity: 'critical', threshold: { warning: null, critical: null, source: 'demo docs: trust is critical https://docs.example.org/auth#trust' } });
    expect(ctx.threshold(RULE)).toBe(RULE);
  });

  it('thresholdsIn lists numeric thresholds, not state rules (those are not override keys)', () => {
    expect(thresholdsIn({ RULE, LIMIT }).map((t) => t.id)).toEqual(['demo.connection.usage']);
  });
});

describe('refusedThresholdKey: decided from the manifest before any plugin code runs', () => {
  const pg = loadBuiltinManifest('postgres-diagnostics');

  it('refuses an override of a state check with the one-line fix', () => {
    const r = refusedThresholdKey(['postgres.security.hba-trust'], [pg]);
    expect(r?.reason).toBe('"postgres.security.hba-trust" is a state check of postgres-diagnostics with a fixed severity, not a threshold: there is no limit to override');
    expect(r?.fix).toMatch(/--baseline.*--fail-on critical.*ksa plugin info postgres/);
    expect(r?.fix).not.toContain('\n');
  });

  it('accepts declared thresholds and suggests the nearest one for a typo', () => {
    expect(refusedThresholdKey(['postgres.connection.usage', 'postgres.replication.lag-time'], [pg])).toBeUndefined();
    expect(refusedThresholdKey(['postgres.connection.usag'], [pg])?.reason).toContain('(did you mean "postgres.connection.usage"?)');
  });

  it('a manifest without thresholds: (older plugins) keeps the check-prefix rule', () => {
    const old = { id: 'old-diagnostics', checks: ['old.alpha.level'] };
    expect(refusedThresholdKey(['old.alpha.level', 'old.alpha.level.x'], [old])).toBeUndefined();
    expect(refusedThresholdKey(['old.alpha.levl'], [old])?.reason).toContain('matches no check of old-diagnostics');
  });
});

describe('built-in plugins', () => {
  const plugins = { 'redis-diagnostics': redis, 'mysql-diagnostics': mysql, 'postgres-diagnostics': postgres, 'kafka-diagnostics': kafka, 'http-diagnostics': http, 'prometheus-diagnostics': prometheus } as const;

  it.each(Object.keys(plugins))('%s: the manifest thresholds: are exactly the code\'s thresholds', (id) => {
    const problems = manifestProblems(plugins[id as keyof typeof plugins], loadBuiltinManifest(id));
    expect(problems.filter((p) => p.startsWith('threshold'))).toEqual([]);
    expect(loadBuiltinManifest(id).thresholds?.length).toBeGreaterThan(0);
  });

  it('state check ids are not override keys', () => {
    expect(refusedThresholdKey(['postgres.security.superuser-no-tls'], [loadBuiltinManifest('postgres-diagnostics')])?.reason).toContain('is a state check');
    expect(refusedThresholdKey(['redis.replication.link'], [loadBuiltinManifest('redis-diagnostics')])?.reason).toContain('is a state check');
    expect(refusedThresholdKey(['kafka.consumer.burrow'], [loadBuiltinManifest('kafka-diagnostics')])?.reason).toContain('is a state check');
    expect(refusedThresholdKey(['mysql.security.empty-password'], [loadBuiltinManifest('mysql-diagnostics')])?.reason).toContain('is a state check');
  });

  it('the manifest defaultPort is the one source: no plugin declares a port constant of its own', () => {
    const offenders: string[] = [];
    for (const dir of ['redis', 'mysql', 'postgres', 'kafka']) {
      for (const f of readdirSync(`${repoRoot}/plugins/${dir}`, { recursive: true }) as string[]) {
        if (!f.endsWith('.ts')) continue;
        const text = readFileSync(`${repoRoot}/plugins/${dir}/${f}`, 'utf8');
        if (/\bDEFAULT_PORT\b|parseEndpoint\([^)]*,\s*\d+\)/.test(text)) offenders.push(`plugins/${dir}/${f}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

