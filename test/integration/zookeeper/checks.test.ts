// The example's check cases (examples/zookeeper-plugin/test/cases.js) through the contract kit,
// and its reply parsers on replies recorded from ZooKeeper 3.8.0. No server needed.
import { beforeAll, describe, expect, it } from 'vitest';
import { PluginTester, type AnyPluginModule, type CheckCase } from '../../../src/testing/index.js';
import { EXAMPLE_DIR, linkKsa } from './example-plugin.js';

let tester: PluginTester;
let cases: CheckCase[];
let parse: { parseSrvr(t: string): unknown; parseMntr(t: string): unknown; parseCons(t: string): unknown };

beforeAll(async () => {
  linkKsa(); // the plugin imports @kubestack/ksa/sdk as a package
  const plugin = (await import(`${EXAMPLE_DIR}/src/index.js`)).default as AnyPluginModule;
  cases = (await import(`${EXAMPLE_DIR}/test/cases.js`)).cases as CheckCase[];
  parse = await import(`${EXAMPLE_DIR}/src/parse.js`);
  tester = new PluginTester(plugin, `${EXAMPLE_DIR}/package.json`);
});

describe('zookeeper-diagnostics checks', () => {
  it('manifest (package.json ksa) matches the code', () => tester.validateManifest());
  it('every case produces exactly its expected findings, including threshold boundaries', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    tester.runCases(cases);
  });
  it('every check fires in at least one case', () => tester.assertCoverage(cases));
});

const SRVR = 'Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\nLatency min/avg/max: 0/1.5/27\nReceived: 6\nSent: 5\nConnections: 1\nOutstanding: 3\nZxid: 0x0\nMode: leader\nNode count: 5\n';
const MNTR = 'zk_version\t3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\nzk_server_state\tleader\nzk_avg_latency\t0.5\nzk_znode_count\t5\nzk_watch_count\t2\nzk_open_file_descriptor_count\t38\nzk_max_file_descriptor_count\t20000\nzk_followers\t2\nzk_synced_followers\t1\nzk_p99_readlatency\t0\n';
const CONS = ' /127.0.0.1:41592[0](queued=0,recved=1,sent=0)\n /10.0.0.5:4000[1](queued=2,recved=9,sent=9,sid=0x1,lop=PING)\n /10.0.0.5:4001[1](queued=0,recved=1,sent=1)\n\n';

describe('four-letter-word parsers', () => {
  it.each([
    ['srvr', () => parse.parseSrvr(SRVR), { version: '3.8.0', mode: 'leader', latencyMin: 0, latencyAvg: 1.5, latencyMax: 27, outstanding: 3, nodeCount: 5, connections: 1 }],
    ['mntr (only the keys the checks use)', () => parse.parseMntr(MNTR), { zk_version: '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC', zk_server_state: 'leader', zk_avg_latency: 0.5, zk_znode_count: 5, zk_watch_count: 2, zk_open_file_descriptor_count: 38, zk_max_file_descriptor_count: 20000, zk_followers: 2, zk_synced_followers: 1 }],
    ['cons', () => parse.parseCons(CONS), { total: 3, byClient: { '127.0.0.1': 1, '10.0.0.5': 2 }, maxQueued: 2 }],
  ])('%s', (_name, run, expected) => {
    expect(run()).toEqual(expected);
  });
});
