// Real primary + streaming standby (pg_basebackup -R with a physical slot): healthy on both sides,
// then the standby is stopped and the primary must report it as critical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from '../../../plugins/postgres/index.js';
import { runPlugin } from '../../support/plugin-harness.js';
import { MONITOR, SUPERUSER_PASSWORD, startPrimary, startStandby, type PgServer } from './pg-cluster.js';
import { waitFor } from '../../support/wait-for.js';

const target = (endpoint: string, auth: { username: string; password: string } = MONITOR, options: Record<string, unknown> = {}) =>
  ({ type: 'postgres', name: 'pg-test', endpoints: [endpoint], auth, options });
const SUPERUSER = { username: 'postgres', password: SUPERUSER_PASSWORD };

describe('postgres replication against a real primary + standby', () => {
  let primary: PgServer;
  let standby: PgServer;
  let second: PgServer;

  beforeAll(async () => {
    primary = await startPrimary({ max_connections: 20 });
    standby = await startStandby(primary, 'ksa_standby');
    second = await startStandby(primary, 'ksa_standby_b');
  });
  afterAll(() => {
    for (const s of [second, standby, primary]) { try { s?.stop(); } catch { /* already down */ } s?.remove(); }
  });

  it.each([
    { who: 'primary as pg_monitor', server: () => primary, auth: MONITOR, skipped: ['security'] },
    { who: 'primary as superuser', server: () => primary, auth: SUPERUSER, skipped: [] },
    { who: 'standby as pg_monitor', server: () => standby, auth: MONITOR, skipped: ['security'] },
  ])('healthy $who gives no warning', async ({ server, auth, skipped }) => {
    const { result, snapshot } = await runPlugin(postgres, 'postgres-diagnostics', target(server().endpoint, auth));
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.status).toBe('healthy');
    expect(result.errors).toEqual([]);
    expect(result.categories.filter((c) => c.skipped).map((c) => c.name)).toEqual(skipped);
    if (skipped.includes('security')) expect(result.categories.find((c) => c.name === 'security')?.skipped).toMatch(/superuser.*GRANT SELECT ON pg_hba_file_rules/);
    const data = snapshot.data as { server: { inRecovery: boolean }; replication: { standbys: Array<{ state: string }>; receiver?: { status: string } } };
    if (data.server.inRecovery) expect(data.replication.receiver?.status).toBe('streaming');
    else expect(data.replication.standbys.map((s) => s.state)).toEqual(['streaming', 'streaming']);
  });

  it('the standby stopped -> critical on the primary (its physical slot has no consumer)', async () => {
    standby.stop('fast');
    await waitFor('slot inactive', async () => (await primary.sql<{ active: boolean }>(`SELECT active FROM pg_replication_slots WHERE slot_name = 'ksa_standby'`))[0]?.active === false);
    const { result } = await runPlugin(postgres, 'postgres-diagnostics', target(primary.endpoint, MONITOR, { expectedStandbys: 2 }), { categories: ['replication'] });
    expect(result.status).toBe('critical');
    const slot = result.findings.find((f) => f.id === 'postgres.replication.standby-missing.slot');
    expect(slot?.severity).toBe('critical');
    expect(JSON.stringify(slot?.evidence)).toContain('ksa_standby');
    expect(result.findings.find((f) => f.id === 'postgres.replication.standby-missing.expected')?.severity).toBe('critical');
  });

  it('the primary stopped -> critical on the standby (its WAL receiver is not streaming)', async () => {
    primary.stop('fast');
    const { result } = await runPlugin(postgres, 'postgres-diagnostics', target(second.endpoint), { categories: ['replication'] });
    expect(result.status).toBe('critical');
    expect(result.findings.map((f) => [f.id, f.severity])).toContainEqual(['postgres.replication.wal-receiver', 'critical']);
  });
});
