// ksa.yaml `also:`: a target's other sources (the Prometheus holding a Kafka cluster's exporter
// metrics) become targets of their own right after it, named <target>/<type>, in its group, with
// its labels and watch policy; a clash with another target's name is refused at load.
import { describe, expect, it } from 'vitest';
import { checkConfig, loadConfig } from '../../../src/config/load-config.js';

const yaml = (extra = '') => `
targets:
  - name: events
    type: kafka
    endpoints: [10.0.0.4:9092]
    labels: { team: data }
    interval: 15s
    also:
      - { type: prometheus, endpoints: ['http://prom:9090'], options: { packs: [kafka] } }
      - { type: http, endpoints: ['http://rest:8082'] }
      - { type: prometheus, endpoints: ['http://thanos:10902'], timeout: 20s }
  - name: cache
    type: redis
    endpoints: [10.0.0.5:6379]
${extra}`;

describe('also: sources of a target', () => {
  it('expands into targets named <target>/<type>, grouped, inheriting labels and interval, in file order', () => {
    const config = loadConfig('ksa.yaml', {}, yaml());
    expect(config.targets.map((t) => [t.name, t.type, t.group ?? null, t.labels ?? null, t.interval ?? null])).toEqual([
      ['events', 'kafka', 'events', { team: 'data' }, '15s'],
      ['events/prometheus', 'prometheus', 'events', { team: 'data' }, '15s'],
      ['events/http', 'http', 'events', { team: 'data' }, '15s'],
      ['events/prometheus-2', 'prometheus', 'events', { team: 'data' }, '15s'],
      ['cache', 'redis', null, null, null],
    ]);
    expect(config.targets[1]).toMatchObject({ endpoints: ['http://prom:9090'], options: { packs: ['kafka'] } });
    expect(config.targets[3]).toMatchObject({ timeout: '20s' });
    expect(config.targets.some((t) => 'also' in t)).toBe(false);
  });

  it("a source whose name is another target's is refused, naming both", () => {
    const check = checkConfig('ksa.yaml', {}, yaml(`  - { name: events/http, type: http, endpoints: ['http://x:1'] }`));
    expect(check.errors.map((e) => e.message).join('\n')).toMatch(/targets\[0\]\.also: the source named "events\/http" has the name of targets\[2\]/);
  });

  it('a source is checked like a target: an unknown key is refused with its path', () => {
    const check = checkConfig('ksa.yaml', {}, `targets:\n  - name: a\n    type: kafka\n    endpoints: [h:1]\n    also: [{ type: prometheus, endpoint: ['http://p:9090'] }]\n`);
    expect(check.errors[0]?.message).toMatch(/targets\[0\]\.also\[0\]/);
  });
});
