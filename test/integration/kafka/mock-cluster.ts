// A throwaway librdkafka mock cluster per test file (scripts/kafka-mock/kafka-mock.c, compiled once
// into the tmp dir), controlled over its stdin, plus the writes tests need: produce (kafkajs
// producer) and "simple consumer" offset commits (OffsetCommit with generation -1, which the mock
// accepts for a group without members, unlike admin.setOffsets which joins the group).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { repoRoot } from '../../support/services.js';

const require = createRequire(import.meta.url);

/** Compiles the mock once per source version; returns the binary path. */
export function mockBinary(): string {
  const src = join(repoRoot, 'scripts', 'kafka-mock', 'kafka-mock.c');
  const hash = createHash('sha1').update(readFileSync(src)).digest('hex').slice(0, 12);
  const bin = join(tmpdir(), `ksa-kafka-mock-${hash}`);
  if (!existsSync(bin)) {
    const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'rdkafka'], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean);
    const out = `${bin}.${process.pid}.tmp`;
    const cc = spawnSync('gcc', ['-O2', '-o', out, src, ...flags], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`cannot build the kafka mock (apt-get install librdkafka-dev gcc pkg-config): ${cc.stderr}`);
    renameSync(out, bin);
  }
  return bin;
}

export interface MockCluster {
  bootstrap: string[];
  /** Sends one control command (`down 2`, `leader t 0 1`, `topic t 6 3` ...); rejects on "err". */
  control(command: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startMockCluster(brokers: number, topics: string[] = []): Promise<MockCluster> {
  const child: ChildProcessWithoutNullStreams = spawn(mockBinary(), ['-b', String(brokers), ...topics], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  const early: string[] = [];
  lines.on('line', (line) => { const w = waiting.shift(); if (w) w(line); else early.push(line); });
  // 15 s: creating 20 topics on a machine loaded by the rest of the suite once took more than 5 s.
  const nextLine = (timeoutMs = 15_000) => new Promise<string>((resolve, reject) => {
    const e = early.shift();
    if (e !== undefined) return resolve(e);
    const waiter = (l: string) => { clearTimeout(timer); resolve(l); };
    // A waiter that timed out leaves the queue, so it cannot swallow the next line.
    const timer = setTimeout(() => { waiting.splice(waiting.indexOf(waiter), 1); reject(new Error('kafka mock did not answer')); }, timeoutMs);
    waiting.push(waiter);
  });
  const first = await nextLine();
  const m = /^BOOTSTRAP=(.+)$/.exec(first);
  if (!m?.[1]) throw new Error(`kafka mock printed ${first}`);
  let queue = Promise.resolve();
  return {
    bootstrap: m[1].split(','),
    control(command) {
      const run = queue.then(async () => {
        child.stdin.write(`${command}\n`);
        const answer = await nextLine();
        if (answer !== 'ok') throw new Error(`kafka mock: ${command}: ${answer}`);
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Produces `counts[i]` messages to partition i of `topic`. */
export async function produce(bootstrap: string[], topic: string, counts: number[]): Promise<void> {
  const kafka = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic, acks: 1,
      messages: counts.flatMap((n, partition) => Array.from({ length: n }, (_, i) => ({ partition, value: `m${i}` }))),
    });
  } finally {
    await producer.disconnect();
  }
}

interface KafkajsBroker {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(r: { groupId: string; coordinatorType: number }): Promise<{ coordinator: { host: string; port: number } }>;
  offsetCommit(r: { groupId: string; groupGenerationId: number; memberId: string; retentionTime: number; topics: unknown[] }): Promise<{ responses: Array<{ partitions: Array<{ errorCode: number }> }> }>;
}

function rawBroker(address: string): KafkajsBroker {
  const Broker = require('kafkajs/src/broker/index.js') as new (o: object) => KafkajsBroker;
  const ConnectionPool = require('kafkajs/src/network/connectionPool.js') as new (o: object) => unknown;
  const socketFactory = (require('kafkajs/src/network/socketFactory.js') as () => unknown)();
  const { createLogger, LEVELS } = require('kafkajs/src/loggers/index.js') as { createLogger(o: object): unknown; LEVELS: { NOTHING: number } };
  const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });
  const [host, port] = address.split(':');
  return new Broker({ connectionPool: new ConnectionPool({ host, port: Number(port), logger, socketFactory, connectionTimeout: 2_000, requestTimeout: 5_000 }), logger, allowAutoTopicCreation: false });
}

/** Commits offsets for a member-less group: `offsets` = {topic: {partition: offset}}. */
export async function commitOffsets(bootstrap: string[], groupId: string, offsets: Record<string, Record<number, number>>): Promise<void> {
  const seed = rawBroker(bootstrap[0]!);
  await seed.connect();
  try {
    const { coordinator } = await seed.findGroupCoordinator({ groupId, coordinatorType: 0 });
    const target = rawBroker(`${coordinator.host}:${coordinator.port}`);
    await target.connect();
    try {
      const topics = Object.entries(offsets).map(([topic, parts]) => ({
        topic, partitions: Object.entries(parts).map(([partition, offset]) => ({ partition: Number(partition), offset: String(offset) })),
      }));
      const res = await target.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', retentionTime: -1, topics });
      const failed = res.responses.flatMap((r) => r.partitions).filter((p) => p.errorCode !== 0);
      if (failed.length > 0) throw new Error(`offset commit failed: ${JSON.stringify(failed)}`);
    } finally {
      await target.disconnect();
    }
  } finally {
    await seed.disconnect();
  }
}
