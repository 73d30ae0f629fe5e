// Numbers worth graphing from one snapshot (also `ksa` getMetrics).
import type { PgSnapshot } from './snapshot.js';

export function metricsOf(d: PgSnapshot): Record<string, number | string> {
  const m: Record<string, number | string> = {
    'server.version_num': d.server.versionNum,
    'server.role': d.server.inRecovery ? 'standby' : 'primary',
  };
  const c = d.connection;
  if (c) {
    m['connections.used'] = c.total;
    m['connections.available'] = c.maxConnections - c.superuserReserved - c.reserved;
    for (const [state, n] of Object.entries(c.byState)) m[`connections.state.${state.replace(/[^a-z]+/g, '_')}`] = n;
  }
  const r = d.replication;
  if (r) {
    m['replication.standbys_streaming'] = r.standbys.filter((s) => s.state === 'streaming').length;
    m['replication.slots'] = r.slots.length;
    m['replication.slots_inactive'] = r.slots.filter((s) => !s.active).length;
  }
  if (d.locks) m['locks.blocked'] = d.locks.blockedCount;
  const p = d.performance;
  if (p) {
    const hit = p.databases.reduce((s, db) => s + db.blksHit, 0);
    const read = p.databases.reduce((s, db) => s + db.blksRead, 0);
    if (hit + read > 0) m['performance.cache_hit_pct'] = Math.round((10000 * hit) / (hit + read)) / 100;
  }
  const mt = d.maintenance;
  if (mt && mt.databases.length > 0) m['maintenance.xid_age_max'] = Math.max(...mt.databases.map((db) => db.xidAge));
  return m;
}
