// Kafka preferred leader election by the recovery engine, end to end in `ksa watch` processes
// (issue 17). Tested on RECORDED RESPONSES + the librdkafka mock's `leader` control, not a real
// election: the mock has no ElectLeaders and no Kafka distribution is installed here, so the rule
// runs a stand-in kafka-leader-election.sh (test/fixtures/kafka-leader-election/) that records its
// argv, asks this test to hold the election (the test owns the mock's control input and moves
// each partition back to its preferred replica when that broker is up) and prints what Kafka's
// LeaderElectionCommand prints for the answer, with its exit code. The rule is the one documented
// in docs/RECOVERY.md, read from there; only the program's path is the stand-in's.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startMockCluster, type MockCluster } from '../integration/kafka/mock-cluster.js';
import { repoRoot } from '../support/services.js';
import { startWatch, type WatchEventLine, type WatchProcess } from '../support/watch-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-recovery-kafka-'));
const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const TOPIC = 'orders';
const PARTITIONS = 6;
const DOC_PROGRAM = '/opt/kafka/bin/kafka-leader-election.sh';

interface DocRecipe {
  targets: Array<{ name: string; type: string; endpoints: string[]; labels: Record<string, string> }>;
  recovery: { rules: Array<{ name: string; match: Record<string, unknown>; action: { plugin: string; name: string; params: { argv: string[] } } }> };
}

/** The documented recipe: the yaml block of the "**Kafka.**" paragraph of docs/RECOVERY.md. */
function docRecipe(): DocRecipe {
  const doc = readFileSync(join(repoRoot, 'docs/RECOVERY.md'), 'utf8');
  const block = /\*\*Kafka\.\*\*[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/RECOVERY.md: no yaml block after **Kafka.**');
  return parse(block) as DocRecipe;
}

/** The cluster as the test keeps it: preferred replicas (from the mock's metadata), current leaders, brokers down. */
interface Cluster {
  mock: MockCluster;
  replicas: Map<number, number[]>;
  leaders: Map<number, number>;
  down: Set<number>;
}

async function metadata(bootstrap: string[]): Promise<Array<{ partitionId: number; leader: number; replicas: number[] }>> {
  const admin = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    return topics[0]!.partitions.map((p) => ({ partitionId: p.partitionId, leader: p.leader, replicas: p.replicas })).sort((a, b) => a.partitionId - b.partitionId);
  } finally {
    await admin.disconnect();
  }
}

/** A 3-broker mock with one topic whose every partition is led by its preferred (first) replica. */
async function cluster(): Promise<Cluster> {
  const mock = await startMockCluster(3, [`${TOPIC}:${PARTITIONS}:3`]);
  cleanups.push(() => mock.stop());
  const replicas = new Map((await metadata(mock.bootstrap)).map((p) => [p.partitionId, p.replicas]));
  expect(replicas.size).toBe(PARTITIONS);
  const c: Cluster = { mock, replicas, leaders: new Map(), down: new Set() };
  for (const [p, r] of replicas) await setLeader(c, p, r[0]!);
  return c;
}

async function setLeader(c: Cluster, partition: number, broker: number): Promise<void> {
  await c.mock.control(`leader ${TOPIC} ${partition} ${broker}`);
  c.leaders.set(partition, broker);
}

/** Leadership moved off every preferred replica (to the second replica), as after a broker restart. */
async function moveLeadersOffPreferred(c: Cluster): Promise<void> {
  for (const [p, r] of c.replicas) await setLeader(c, p, r[1]!);
}

interface ElectionRequest { bootstrapServer: string; electionType: string; partitions: Array<{ topic: string; partition: number }> | null }

/**
 * The controller's side of the stand-in's election: each election-<n>.request in `caseDir` is
 * answered (election-<n>.reply) the way ReplicationControlManager.electLeader decides: a partition
 * led by its preferred replica needs nothing (and is not listed for an all-partitions request); one
 * whose preferred replica's broker is down fails with PREFERRED_LEADER_NOT_AVAILABLE; the others
 * are moved back to it with the mock's `leader` command.
 */
function electionDesk(c: Cluster, caseDir: string): { requests: ElectionRequest[] } {
  const requests: ElectionRequest[] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    const pending = readdirSync(caseDir).filter((f) => f.endsWith('.request') && !existsSync(join(caseDir, f.replace(/\.request$/, '.reply'))));
    if (pending.length === 0) return;
    busy = true;
    void (async () => {
      for (const file of pending) {
        const req = JSON.parse(readFileSync(join(caseDir, file), 'utf8')) as ElectionRequest;
        requests.push(req);
        const asked = req.partitions ?? [...c.replicas.keys()].map((partition) => ({ topic: TOPIC, partition }));
        const answer = { elected: [] as string[], notNeeded: [] as string[], failed: [] as Array<{ partition: string; error: string }> };
        for (const { topic, partition } of asked) {
          const name = `${topic}-${partition}`;
          const preferred = c.replicas.get(partition)![0]!;
          if (c.leaders.get(partition) === preferred) { if (req.partitions) answer.notNeeded.push(name); continue; }
          if (c.down.has(preferred)) { answer.failed.push({ partition: name, error: 'PREFERRED_LEADER_NOT_AVAILABLE' }); continue; }
          await setLeader(c, partition, preferred);
          answer.elected.push(name);
        }
        const reply = join(caseDir, file.replace(/\.request$/, '.reply'));
        writeFileSync(`${reply}.tmp`, JSON.stringify(answer));
        renameSync(`${reply}.tmp`, reply); // whole or not at all: the stand-in polls for it
      }
    })().finally(() => { busy = false; });
  }, 50);
  cleanups.push(() => clearInterval(timer));
  return { requests };
}

/** A case directory with its own copy of the stand-in (it keeps its calls and requests beside itself). */
function standIn(name: string): { caseDir: string; program: string; calls: () => Array<{ argv: string[]; env: Record<string, string> }> } {
  const caseDir = join(dir, name);
  cpSync(join(repoRoot, 'test/fixtures/kafka-leader-election'), caseDir, { recursive: true });
  const program = join(caseDir, 'kafka-leader-election.sh');
  chmodSync(program, 0o755);
  const file = join(caseDir, 'calls.jsonl');
  return { caseDir, program, calls: () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { argv: string[]; env: Record<string, string> }) : []) };
}

/** ksa.yaml: the documented target and rule, pointed at the mock and the stand-in. */
function config(name: string, c: Cluster, program: string, recoveryDefaults: Record<string, unknown>): string {
  const recipe = docRecipe();
  const target = recipe.targets[0]!;
  const rule = recipe.recovery.rules[0]!;
  expect(rule.action.params.argv[0]).toBe(DOC_PROGRAM);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify({
    defaults: { interval: '1s', timeout: '8s' },
    targets: [{ ...target, endpoints: c.mock.bootstrap, labels: { ...target.labels, bootstrap: c.mock.bootstrap.join(',') } }],
    recovery: { defaults: recoveryDefaults, rules: [{ ...rule, action: { ...rule.action, params: { ...rule.action.params, argv: [program, ...rule.action.params.argv.slice(1)] } } }] },
  }));
  return file;
}

function watch(file: string, state: string, extra: string[]): WatchProcess {
  const w = startWatch(['--config', file, '--state-dir', state, '--output', 'json', ...extra]);
  cleanups.push(async () => { w.kill('SIGKILL'); await w.exited; });
  return w;
}

interface HistoryEntry { outcome: string; attempt: number; rule: string; target: string; argv?: string[]; exitCode?: number; stdout?: string; stderr?: string }
const history = (state: string) => (JSON.parse(spawnSync(process.execPath, [join(repoRoot, 'bin/ksa.js'), 'recovery', 'history', '--state-dir', state, '--json'], { encoding: 'utf8' }).stdout) as { entries: HistoryEntry[] }).entries;
const of = (w: WatchProcess, kind: string) => w.events.filter((e) => e.kind === kind);
const ms = (e: WatchEventLine) => Date.parse(e.at);
const preferredFinding = (e: WatchEventLine) => e.kind === 'finding' && e.finding?.id === 'kafka.topic.preferred-leader' && e.to === 'firing';
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
/** Per process case: its waits add up to more than the suite's 30 s default on a loaded machine; a pass takes 6-8 s. */
const CASE_TIMEOUT = 120_000;

describe('Kafka preferred leader election (recorded responses + the mock\'s leader control, not a real election)', () => {
  it('leaders off their preferred replicas: the documented rule runs kafka-leader-election.sh once with the expected argv, the leaders are back, verified, one succeeded attempt', async () => {
    const c = await cluster();
    const s = standIn('elect');
    const desk = electionDesk(c, s.caseDir);
    const file = config('elect', c, s.program, { settle: '500ms', verifyFor: '15s', cooldown: '1h', timeout: '30s' });
    const state = join(dir, 'state-elect');
    const w = watch(file, state, ['--enforce']);
    await w.next('started', (e) => e.kind === 'watcher' && e.action === 'started');
    await sleep(2500); // a few cycles with every partition on its preferred replica: the finding does not fire
    expect(w.events.filter(preferredFinding)).toEqual([]);
    await moveLeadersOffPreferred(c);
    const fired = await w.next('kafka.topic.preferred-leader firing', preferredFinding, 20_000);
    const ok = await w.next('recovery-succeeded', (e) => e.kind === 'recovery-succeeded', 45_000);
    expect(ok).toMatchObject({ target: 'events', rule: 'elect-preferred-leaders', attempt: 1, dryRun: false, outcome: { ok: true, exitCode: 0 } });
    expect(of(w, 'recovery-started').map((e) => e.episode)).toContain(fired.episode);
    const bootstrap = c.mock.bootstrap.join(',');
    const expectedArgv = ['--bootstrap-server', bootstrap, '--election-type', 'PREFERRED', '--all-topic-partitions'];
    // Exactly one call, with exactly the documented argv: the bootstrap list (a label) is one item.
    expect(s.calls().map((call) => call.argv)).toEqual([expectedArgv]);
    expect(s.calls()[0]!.env).toMatchObject({ KSA_TARGET: 'events', KSA_TARGET_TYPE: 'kafka', KSA_RULE: 'elect-preferred-leaders', KSA_ATTEMPT: '1', KSA_FINDING_ID: 'kafka.topic.preferred-leader' });
    expect(desk.requests).toEqual([{ bootstrapServer: bootstrap, electionType: 'PREFERRED', partitions: null }]);
    const moved = [...c.replicas.keys()].map((p) => `${TOPIC}-${p}`);
    expect((ok.outcome as unknown as { stdout: string }).stdout).toBe(`Successfully completed leader election (PREFERRED) for partitions ${moved.join(', ')}\n`);
    // The mock's own metadata: every partition led by its preferred replica again.
    expect((await metadata(c.mock.bootstrap)).map((p) => p.leader === p.replicas[0])).toEqual(Array(PARTITIONS).fill(true));
    await w.next('the finding resolved', (e) => e.kind === 'finding' && e.finding?.id === 'kafka.topic.preferred-leader' && e.to === 'resolved', 20_000);
    await sleep(2000); // more cycles: nothing else runs
    expect(s.calls()).toHaveLength(1);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    const h = history(state);
    expect(h.map((e) => [e.outcome, e.attempt, e.rule, e.target, e.exitCode])).toEqual([['succeeded', 1, 'elect-preferred-leaders', 'events', 0]]);
    expect(h[0]!.argv).toEqual([s.program, ...expectedArgv]);
  }, CASE_TIMEOUT);

  it('the preferred replica\'s broker is down: the election fails as Kafka\'s tool does (exit 1), leaders stay put; attempts with growing delays, then one escalation', async () => {
    const c = await cluster();
    const s = standIn('refused');
    electionDesk(c, s.caseDir);
    const file = config('refused', c, s.program, { maxAttempts: 3, settle: '300ms', verifyFor: '10s', backoff: { initial: '1s', max: '8s' }, cooldown: '1h', timeout: '30s' });
    // Broker 1 dies; the controller moves its leaderships to the next replica (the mock does not, so the test does).
    const preferredOf1 = [...c.replicas].filter(([, r]) => r[0] === 1).map(([p]) => p);
    expect(preferredOf1.length).toBeGreaterThan(0);
    await c.mock.control('down 1');
    c.down.add(1);
    for (const p of preferredOf1) await setLeader(c, p, c.replicas.get(p)![1]!);
    const leadersBefore = new Map(c.leaders);
    const state = join(dir, 'state-refused');
    const w = watch(file, state, ['--enforce']);
    const escalated = await w.next('recovery-escalated', (e) => e.kind === 'recovery-escalated', 60_000);
    const started = of(w, 'recovery-started');
    expect(started.map((e) => e.attempt)).toEqual([1, 2, 3]);
    const gaps = [ms(started[1]!) - ms(started[0]!), ms(started[2]!) - ms(started[1]!)];
    // Backoff 1 s doubling, half of each step fixed (equal jitter): the waits are at least 0.5 s, then 1 s.
    process.stdout.write(`kafka election backoff gaps (ms): ${gaps.join(', ')}\n`);
    expect(gaps[0]).toBeGreaterThanOrEqual(500);
    expect(gaps[1]).toBeGreaterThanOrEqual(1000);
    expect(escalated).toMatchObject({ rule: 'elect-preferred-leaders', failedAttempts: 3, attempt: 3, maxAttempts: 3 });
    const failed = of(w, 'recovery-failed');
    expect(failed.map((e) => (e.outcome as unknown as { exitCode: number }).exitCode)).toEqual([1, 1, 1]);
    const out = failed[0]!.outcome as unknown as { stdout: string; stderr: string };
    expect(out.stdout.split('\n').filter(Boolean)).toEqual(preferredOf1.map((p) => `Error completing leader election (PREFERRED) for partition: ${TOPIC}-${p}: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: The preferred leader was not available.`));
    expect(out.stderr.split('\n')[0]).toBe(`${preferredOf1.length} replica(s) could not be elected`);
    await sleep(2500); // nothing more after the escalation
    expect(s.calls().map((call) => call.env.KSA_ATTEMPT)).toEqual(['1', '2', '3']);
    expect(of(w, 'recovery-escalated')).toHaveLength(1);
    expect(c.leaders).toEqual(leadersBefore);
    expect((await metadata(c.mock.bootstrap)).filter((p) => preferredOf1.includes(p.partitionId)).map((p) => p.leader === p.replicas[0])).toEqual(preferredOf1.map(() => false));
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    expect(history(state).map((e) => [e.outcome, e.attempt])).toEqual([['failed', 1], ['failed', 2], ['failed', 3], ['escalated', 3]]);
  }, CASE_TIMEOUT);

  it('the stand-in refuses argv the real tool refuses, with its messages and exit 1 (so a wrong recipe cannot pass the cases above)', () => {
    const s = standIn('options');
    const run = (...argv: string[]) => spawnSync(s.program, argv, { encoding: 'utf8', timeout: 10_000 });
    const cases: Array<[string[], string]> = [
      [['--election-type', 'PREFERRED', '--all-topic-partitions'], 'Missing required option(s): bootstrap-server'],
      [['--bootstrap-server', 'b:9092', '--all-topic-partitions'], 'Missing required option(s): election-type'],
      [['--bootstrap-server', 'b:9092', '--election-type', 'PREFERRED'], 'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file'],
      [['--bootstrap-server', 'b:9092', '--election-type', 'PREFERRED', '--all-topic-partitions', '--topic', 'orders'], 'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file'],
      [['--bootstrap-server', 'b:9092', '--election-type', 'PREFERRED', '--topic', 'orders'], 'Missing required option(s): partition'],
      [['--bootstrap-server', 'b:9092', '--election-type', 'PREFERRED', '--all-topic-partitions', '--partition', '1'], 'Option partition is only allowed if topic is used'],
    ];
    for (const [argv, message] of cases) {
      const r = run(...argv);
      expect([r.status, r.stderr.split('\n')[0]], argv.join(' ')).toEqual([1, message]);
    }
    expect(s.calls().map((call) => call.argv)).toEqual(cases.map(([argv]) => argv));
    expect(readdirSync(s.caseDir).filter((f) => f.startsWith('election-'))).toEqual([]); // refused before any election
  });

  it('dry-run (no --enforce): recovery-planned with the argv, the stand-in never called, the leaders untouched', async () => {
    const c = await cluster();
    const s = standIn('dry-run');
    electionDesk(c, s.caseDir);
    const file = config('dry-run', c, s.program, { settle: '300ms', cooldown: '1h' });
    const state = join(dir, 'state-dry-run');
    const w = watch(file, state, []);
    await w.next('started', (e) => e.kind === 'watcher' && e.action === 'started');
    await moveLeadersOffPreferred(c);
    const planned = await w.next('recovery-planned', (e) => e.kind === 'recovery-planned', 30_000);
    expect(planned).toMatchObject({ rule: 'elect-preferred-leaders', dryRun: true, argv: [s.program, '--bootstrap-server', c.mock.bootstrap.join(','), '--election-type', 'PREFERRED', '--all-topic-partitions'] });
    await sleep(4000); // several 1 s cycles with the finding firing
    expect(s.calls()).toEqual([]);
    expect(readdirSync(s.caseDir).filter((f) => f.startsWith('election-'))).toEqual([]);
    expect(of(w, 'recovery-started')).toEqual([]);
    expect((await metadata(c.mock.bootstrap)).every((p) => p.leader === p.replicas[1])).toBe(true);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    expect(history(state).map((e) => [e.outcome, e.rule, e.argv])).toEqual([['planned', 'elect-preferred-leaders', planned.argv]]);
  }, CASE_TIMEOUT);
});
