// broker checks: reachability, controller, broker count and API capability, with boundaries.
import { describe, expect, it } from 'vitest';
import { analyze, broker, data, withId } from './build.js';

describe('broker checks', () => {
  const cases: Array<[string, string, ReturnType<typeof data>, string[]]> = [
    ['all reachable', 'kafka.broker.unreachable', data(), []],
    ['one down', 'kafka.broker.unreachable', data({ brokers: [broker(1), broker(2, { reachable: false, error: 'ECONNREFUSED', apiVersions: null }), broker(3)] }), ['critical']],
    ['two down: one finding each', 'kafka.broker.unreachable', data({ brokers: [broker(1), broker(2, { reachable: false }), broker(3, { reachable: false })] }), ['critical', 'critical']],
    ['every bootstrap server answered', 'kafka.broker.bootstrap-unreachable', data({ bootstrapServers: [{ address: 'a:1', reachable: true, error: null }] }), []],
    ['a dead bootstrap server', 'kafka.broker.bootstrap-unreachable', data({ bootstrapServers: [{ address: 'a:1', reachable: false, error: 'KSA_ERR_CONNECT refused' }, { address: 'b:2', reachable: true, error: null }] }), ['warning']],
    ['snapshot from before bootstrap servers were recorded', 'kafka.broker.bootstrap-unreachable', data(), []],
    ['controller present', 'kafka.broker.controller', data({ controllerId: 2 }), []],
    ['no controller', 'kafka.broker.controller', data({ controllerId: null }), ['critical']],
    ['controller not advertised (KRaft/mock)', 'kafka.broker.controller.not-advertised', data({ controllerId: 0 }), ['info']],
    ['3 brokers (threshold)', 'kafka.broker.count', data(), []],
    ['2 brokers', 'kafka.broker.count', data({ brokers: [broker(1), broker(2)] }), ['warning']],
    ['full API support', 'kafka.broker.api-versions', data(), []],
    ['no ListGroups/DescribeGroups/DescribeConfigs (one finding for all 3)', 'kafka.broker.api-versions',
      data({ brokers: [1, 2, 3].map((id) => broker(id, { apiVersions: { Metadata: { min: 0, max: 2 }, ListOffsets: { min: 0, max: 5 }, OffsetFetch: { min: 0, max: 5 } } })) }), ['info']],
    ['mixed versions', 'kafka.broker.api-versions.mixed', data({ brokers: [broker(1), broker(2), broker(3, { apiVersions: { ...broker(3).apiVersions, Metadata: { min: 0, max: 12 } } })] }), ['info']],
  ];
  it.each(cases)('%s', (_name, id, d, severities) => {
    expect(withId(analyze(d, ['broker']), id).map((f) => f.severity)).toEqual(severities);
  });

  it('names the unreachable broker, its address and the driver error', () => {
    const d = data({ brokers: [broker(1), broker(2, { reachable: false, error: 'KafkaJSConnectionError: connect ECONNREFUSED 127.0.0.1:9092' })] });
    const [f] = withId(analyze(d, ['broker']), 'kafka.broker.unreachable');
    expect(f).toMatchObject({ node: 'broker:2', observed: { value: 1, unit: 'brokers' }, evidence: { brokerId: 2, port: 9092, reachable: [1] } });
    expect(f?.detail).toMatch(/ECONNREFUSED/);
  });

  it('info findings do not change the status', () => {
    expect(analyze(data({ controllerId: 0 }), ['broker']).status).toBe('healthy');
  });
});
