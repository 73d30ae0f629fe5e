// Parsers of raw Redis replies, on recorded reply text.
import { describe, expect, it } from 'vitest';
import {
  pairsToRecord, parseClientList, parseClusterNodes, parseInfo, parseInfoFields, parseLatencyLatest, parseSlowlog, redactCommand, sentinelPeers,
} from '../../../plugins/redis/parse-replies.js';

describe('parseInfo / parseInfoFields', () => {
  it('flattens sections, keeps values with colons, skips headers and blanks', () => {
    expect(parseInfo('# Server\r\nredis_version:7.0.15\r\nexecutable:/usr/bin/redis-server\r\n\r\n# Replication\r\nslave0:ip=10.0.0.2,port=6379,state=online,offset=5,lag=0\r\nmaster_host:::1\r\n'))
      .toEqual({ redis_version: '7.0.15', executable: '/usr/bin/redis-server', slave0: 'ip=10.0.0.2,port=6379,state=online,offset=5,lag=0', master_host: '::1' });
  });
  it.each([
    ['ip=10.0.0.2,port=6379,state=online', { ip: '10.0.0.2', port: '6379', state: 'online' }],
    ['calls=3,usec=9,usec_per_call=3.00', { calls: '3', usec: '9', usec_per_call: '3.00' }],
    ['', {}],
    [undefined, {}],
  ])('%s', (value, expected) => {
    expect(parseInfoFields(value)).toEqual(expected);
  });
});

describe('redactCommand', () => {
  it.each([
    [['SET', 'user:42', 'alice@example.com'], 'SET ? ?'],
    [['get', 'k'], 'GET ?'],
    [['DEBUG', 'SLEEP', '0.05'], 'DEBUG SLEEP ?'],
    [['config', 'set', 'requirepass', 'hunter2'], 'CONFIG SET ? ?'],
    [['FLUSHALL'], 'FLUSHALL'],
    [['MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'], 'MSET ? ? ? ? ? ? ? ? (10 args)'],
    [['MSET', 'a', '1', '... (40 more arguments)'], 'MSET ? ? ? ? ? ? ? ? (42 args)'],
  ])('%j -> %s', (args, expected) => {
    expect(redactCommand(args)).toBe(expected);
  });
});

describe('parseSlowlog / parseLatencyLatest', () => {
  it('keeps duration, time and client, redacts the command', () => {
    expect(parseSlowlog([[7, 1795335414, 53655, ['debug', 'sleep', '0.05'], '127.0.0.1:42866', 'worker']])).toEqual([
      { id: 7, timestamp: 1795335414, durationUs: 53655, command: 'DEBUG SLEEP ?', clientAddr: '127.0.0.1:42866', clientName: 'worker' },
    ]);
    // Redis < 4 has no client fields.
    expect(parseSlowlog([[1, 2, 3, ['keys', '*']]])[0]).toMatchObject({ command: 'KEYS ?', clientAddr: '', clientName: '' });
    expect(parseSlowlog('garbage')).toEqual([]);
  });
  it('latency events', () => {
    expect(parseLatencyLatest([['command', 1700000000, 250, 1010]])).toEqual([{ event: 'command', timestamp: 1700000000, latestMs: 250, maxMs: 1010 }]);
  });
});

describe('parseClientList', () => {
  it('takes host without port, name, idle, flags, buffers and last command', () => {
    const text = 'id=3 addr=10.1.2.3:52114 laddr=10.0.0.1:6379 fd=8 name=api age=120 idle=61 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 obl=0 oll=0 omem=1024 tot-mem=22000 events=r cmd=get user=default\n'
      + 'id=4 addr=[::1]:40000 fd=9 name= age=5 idle=0 flags=S omem=0 tot-mem=20000 cmd=replconf\n';
    expect(parseClientList(text)).toEqual([
      { host: '10.1.2.3', name: 'api', idleSec: 61, ageSec: 120, flags: 'N', omem: 1024, totMem: 22000, cmd: 'get' },
      { host: '[::1]', name: '', idleSec: 0, ageSec: 5, flags: 'S', omem: 0, totMem: 20000, cmd: 'replconf' },
    ]);
  });
});

describe('parseClusterNodes', () => {
  it('counts slots in ranges and single slots, ignores migrating markers, splits flags', () => {
    const text = [
      'a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460 [5461->-b2]',
      'b2 127.0.0.1:7001@17001,host-b master,fail - 1 2 2 disconnected 5461-10922 16000',
      'r3 127.0.0.1:7003@17003 slave a1 0 3 1 connected',
      'x4 :0@0 master,noaddr - 0 0 0 disconnected',
    ].join('\n');
    expect(parseClusterNodes(text)).toEqual([
      { id: 'a1', address: '127.0.0.1:7000', flags: ['myself', 'master'], masterId: null, linkState: 'connected', slots: 5461 },
      { id: 'b2', address: '127.0.0.1:7001', flags: ['master', 'fail'], masterId: null, linkState: 'disconnected', slots: 5463 },
      { id: 'r3', address: '127.0.0.1:7003', flags: ['slave'], masterId: 'a1', linkState: 'connected', slots: 0 },
      { id: 'x4', address: ':0', flags: ['master', 'noaddr'], masterId: null, linkState: 'disconnected', slots: 0 },
    ]);
  });
});

describe('Sentinel and ACL flat replies', () => {
  it('pairsToRecord and sentinelPeers', () => {
    expect(pairsToRecord(['name', 'mymaster', 'ip', '10.0.0.1', 'port', '6379', 'flags', 'master'])).toEqual({ name: 'mymaster', ip: '10.0.0.1', port: '6379', flags: 'master' });
    expect(pairsToRecord('x')).toEqual({});
    expect(sentinelPeers([['ip', '10.0.0.2', 'port', '6380', 'flags', 'slave,s_down']])).toEqual([{ address: '10.0.0.2:6380', flags: ['slave', 's_down'] }]);
  });
});
