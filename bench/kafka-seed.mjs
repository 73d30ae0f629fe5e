#!/usr/bin/env node
// Seeds a Kafka (mock) cluster for bench/kafka.sh: produces to every partition of t00..tNN and
// commits offsets for groups g01..gNN on every partition (a member-less "simple consumer" commit:
// OffsetCommit with generation -1), so each group has a known, non-zero lag everywhere.
// usage: node bench/kafka-seed.mjs <bootstrap,list> <topics> <partitions> <groups>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const Broker = require('kafkajs/src/broker/index.js');
const ConnectionPool = require('kafkajs/src/network/connectionPool.js');
const socketFactory = require('kafkajs/src/network/socketFactory.js')();
const { createLogger, LEVELS } = require('kafkajs/src/loggers/index.js');

const [bootstrapArg, topicsArg, partitionsArg, groupsArg] = process.argv.slice(2);
const bootstrap = bootstrapArg.split(',');
const topics = Array.from({ length: Number(topicsArg) }, (_, i) => `t${String(i).padStart(2, '0')}`);
const partitions = Number(partitionsArg);
const groups = Array.from({ length: Number(groupsArg) }, (_, i) => `g${String(i + 1).padStart(2, '0')}`);
const produced = (p) => 20 + p; // messages in partition p of every topic
const committed = (g, p) => Math.floor((produced(p) * (g + 1)) / (groups.length + 1)); // group g's offset

const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });
const raw = (address) => {
  const [host, port] = address.split(':');
  return new Broker({ connectionPool: new ConnectionPool({ host, port: Number(port), logger, socketFactory, connectionTimeout: 3000, requestTimeout: 10000 }), logger, allowAutoTopicCreation: false });
};

const kafka = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
await producer.connect();
await producer.sendBatch({
  acks: 1,
  topicMessages: topics.map((topic) => ({
    topic, messages: Array.from({ length: partitions }, (_, p) => Array.from({ length: produced(p) }, (_, i) => ({ partition: p, value: `m${i}` }))).flat(),
  })),
});
await producer.disconnect();

const seed = raw(bootstrap[0]);
await seed.connect();
await Promise.all(groups.map(async (groupId, g) => {
  const { coordinator } = await seed.findGroupCoordinator({ groupId, coordinatorType: 0 });
  const b = raw(`${coordinator.host}:${coordinator.port}`);
  await b.connect();
  await b.offsetCommit({
    groupId, groupGenerationId: -1, memberId: '', retentionTime: -1,
    topics: topics.map((topic) => ({ topic, partitions: Array.from({ length: partitions }, (_, p) => ({ partition: p, offset: String(committed(g, p)) })) })),
  });
  await b.disconnect();
}));
await seed.disconnect();
const expectedLag = groups.reduce((s, _, g) => s + topics.length * Array.from({ length: partitions }, (_, p) => produced(p) - committed(g, p)).reduce((a, b) => a + b, 0), 0);
console.log(JSON.stringify({ topics: topics.length, partitions, groups: groups.length, messages: topics.length * Array.from({ length: partitions }, (_, p) => produced(p)).reduce((a, b) => a + b, 0), expectedLagTotal: expectedLag }));
