#!/usr/bin/env node
// Issue 22: `ksa diagnose <type>` over a slow link. Each built-in plugin runs against the shared
// test servers through test/support/latency-proxy.ts (bundled by bench/latency.sh) at 0, 50 and
// 150 ms each way, the build under test (A) alternating with a baseline build (B); per run: wall
// time of the whole process, and the round trips read off the wire (client bursts the server
// answered, summed over connections, plus one TCP handshake per connection). Implied round trips
// = (wall at d - wall at 0) / RTT. Peers (check_postgres, mysqltuner --skipsize) once per delay.
// Then each plugin once more at 150 ms each way with --timeout 2s: must finish, not time out.
// usage: node bench/latency.mjs <proxy.mjs> <A dir> <B dir> [runs]   (prints markdown)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [proxyModule, dirA, dirB, runsArg] = process.argv.slice(2);
const { startLatencyProxy } = await import(resolve(proxyModule));
const RUNS = Number(runsArg ?? 3);
const env = Object.fromEntries(readFileSync(join(process.env.KSA_SERVICES_DIR ?? '.services', 'env'), 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const redirectHook = resolve('test/support/latency-redirect.mjs');

const PLUGINS = {
  redis: { upstreams: [env.KSA_REDIS_PRIMARY], args: (eps) => ['diagnose', 'redis', eps[0]], env: { REDISCLI_AUTH: env.KSA_REDIS_PASSWORD } },
  mysql: { upstreams: [env.KSA_MYSQL_PRIMARY], args: (eps) => ['diagnose', 'mysql', eps[0], '--user', env.KSA_MYSQL_USER], env: { MYSQL_PWD: env.KSA_MYSQL_PASSWORD } },
  postgres: { upstreams: [env.KSA_PG_PRIMARY], args: (eps) => ['diagnose', 'postgres', eps[0], '--user', env.KSA_PG_USER], env: { PGPASSWORD: env.KSA_PG_PASSWORD } },
  'postgres --sslmode disable': { upstreams: [env.KSA_PG_PRIMARY], args: (eps) => ['diagnose', 'postgres', eps[0], '--user', env.KSA_PG_USER, '--sslmode', 'disable'], env: { PGPASSWORD: env.KSA_PG_PASSWORD } },
  // Every broker behind its own proxy; the client is steered to them (test/support/latency-redirect.mjs; kafka runs with --isolation none: a worker thread does not load the preload).
  kafka: { upstreams: env.KSA_KAFKA_BOOTSTRAP.split(','), args: (eps) => ['diagnose', 'kafka', ...eps, '--isolation', 'none'], env: {}, redirect: true },
};

function run(cmd, args, extraEnv, timeoutMs = 600_000) {
  return new Promise((done) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); done({ ms: 0, code: `${error.code}: ${cmd} missing (apt-get install -y check-postgres mysqltuner)`, out: '' }); });
    child.on('close', (code) => { clearTimeout(timer); done({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code, out }); });
  });
}

async function withProxies(upstreams, delay, work) {
  const proxies = await Promise.all(upstreams.map((u) => { const at = u.lastIndexOf(':'); return startLatencyProxy({ host: u.slice(0, at), port: Number(u.slice(at + 1)) }, delay); }));
  try { return await work(proxies); } finally { await Promise.all(proxies.map((p) => p.close())); }
}

const trips = (proxies) => proxies.flatMap((p) => p.connections).reduce((n, c) => n + c.answeredBursts + 1, 0);
const conns = (proxies) => proxies.reduce((n, p) => n + p.connections.length, 0);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

async function ksaRun(dir, plugin, proxies, extra = []) {
  const p = PLUGINS[plugin];
  const eps = p.redirect ? p.upstreams : proxies.map((x) => x.endpoint);
  const redirect = p.redirect ? { KSA_LATENCY_REDIRECT: p.upstreams.map((u, i) => `${u}=${proxies[i].endpoint}`).join(','), NODE_OPTIONS: `--import ${redirectHook}` } : {};
  for (const x of proxies) x.reset();
  const r = await run('node', [join(dir, 'bin/ksa.js'), ...p.args(eps), '--json', ...extra], { ...p.env, ...redirect });
  let status = `exit ${r.code}`;
  try { const rep = JSON.parse(r.out).results[0]; status = rep.error ? `${rep.status}: ${rep.error.code}` : rep.status; } catch { /* not JSON */ }
  return { ms: r.ms, trips: trips(proxies), conns: conns(proxies), status };
}

const rows = [];
const walls = {};
for (const plugin of Object.keys(PLUGINS)) {
  for (const delay of [0, 50, 150]) {
    const res = await withProxies(PLUGINS[plugin].upstreams, delay, async (proxies) => {
      const a = [], b = [];
      await ksaRun(dirA, plugin, proxies); await ksaRun(dirB, plugin, proxies); // warm-up
      for (let i = 0; i < RUNS; i++) { a.push(await ksaRun(dirA, plugin, proxies)); b.push(await ksaRun(dirB, plugin, proxies)); }
      return { a, b };
    });
    const summary = (xs) => ({ ms: median(xs.map((x) => x.ms)), trips: median(xs.map((x) => x.trips)), conns: median(xs.map((x) => x.conns)), status: [...new Set(xs.map((x) => x.status))].join('/') });
    const A = summary(res.a), B = summary(res.b);
    walls[`${plugin} ${delay}`] = { A, B };
    const implied = (s, which) => (delay === 0 ? '-' : ((s.ms - walls[`${plugin} 0`][which].ms) / (2 * delay)).toFixed(1));
    rows.push(`| ${plugin} | ${delay} | ${Math.round(B.ms)} | ${implied(B, 'B')} | ${B.trips} (${B.conns} conn) | ${Math.round(A.ms)} | ${implied(A, 'A')} | ${A.trips} (${A.conns} conn) | ${A.status} |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
}

const peerRows = [];
const pgEp = (p) => ['-H', p.host, '-p', String(p.port), '-u', env.KSA_PG_USER, '--db', 'postgres'];
const CHECK_POSTGRES = [['--action=backends', '--warning=80%', '--critical=90%'], ['--action=txn_idle', '--warning=5m'], ['--action=query_time', '--warning=5m'],
  ['--action=replication_slots', '--warning=1', '--critical=1GB'], ['--action=locks', '--warning=100'], ['--action=hitratio', '--warning=99%', '--critical=90%'],
  ['--action=txn_wraparound', '--warning=200000000', '--critical=1000000000'], ['--action=last_autovacuum', '--warning=1d', '--critical=7d'], ['--action=last_analyze', '--warning=1d', '--critical=7d']];
for (const delay of [0, 50, 150]) {
  await withProxies([env.KSA_PG_PRIMARY], delay, async ([p]) => {
    p.reset();
    const t0 = Date.now();
    for (const action of CHECK_POSTGRES) await run('check_postgres', [...pgEp(p), ...action], { PGPASSWORD: env.KSA_PG_PASSWORD });
    peerRows.push(`| check_postgres, the 9 actions matching ksa's categories | ${delay} | ${Date.now() - t0} | ${trips([p])} (${conns([p])} conn) |`);
  });
  if (process.env.SKIP_MYSQLTUNER) continue;
  await withProxies([env.KSA_MYSQL_PRIMARY], delay, async ([p]) => {
    p.reset();
    const r = await run('mysqltuner', ['--host', p.host, '--port', String(p.port), '--user', env.KSA_MYSQL_USER, '--pass', env.KSA_MYSQL_PASSWORD, '--skipsize', '--nocolor', '--forcemem', '4096', '--forceswap', '0'], {}, 900_000);
    peerRows.push(`| mysqltuner --skipsize | ${delay} | ${Math.round(r.ms)}${r.code ? ` (exit ${r.code})` : ''} | ${trips([p])} (${conns([p])} conn) |`);
  });
  process.stderr.write(`${peerRows.slice(-2).join('\n')}\n`);
}

const deadline = [];
for (const plugin of Object.keys(PLUGINS)) {
  await withProxies(PLUGINS[plugin].upstreams, 150, async (proxies) => {
    for (const [name, dir] of [['A', dirA], ['B', dirB]]) {
      const r = await ksaRun(dir, plugin, proxies, ['--timeout', '2s']);
      deadline.push(`| ${plugin} | ${name} | ${Math.round(r.ms)} | ${r.trips} | ${r.status} |`);
    }
  });
}

console.log(`Median of ${RUNS} runs each (A and B alternating, one warm-up). Round trips on the wire: answered client bursts + 1 TCP handshake per connection.\n`);
console.log('| plugin | ms each way | B wall ms | B implied RT | B RT on the wire | A wall ms | A implied RT | A RT on the wire | A status |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('\nPeers, one run each:\n\n| peer | ms each way | wall ms | RT on the wire |\n|---|---|---|---|');
for (const r of peerRows) console.log(r);
console.log('\n150 ms each way with --timeout 2s, one run each:\n\n| plugin | build | wall ms (whole process) | RT on the wire | status |\n|---|---|---|---|---|');
for (const r of deadline) console.log(r);
