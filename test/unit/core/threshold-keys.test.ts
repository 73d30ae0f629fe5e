// Threshold override keys must name a declared check (or a finding under it), else they do nothing.
import { describe, expect, it } from 'vitest';
import { findUnknownThresholdKey } from '../../../src/core/threshold-keys.js';

const checks = ['redis.memory.usage', 'redis.connection.rejected', 'redis.replication.lag'];

describe('findUnknownThresholdKey', () => {
  it.each([
    [['redis.memory.usage'], undefined],
    [['redis.memory.usage.no-limit', 'redis.replication.lag'], undefined],
    [[], undefined],
    [['redis.memory.usge'], { key: 'redis.memory.usge', hint: 'redis.memory.usage' }],
    [['redis.memory'], { key: 'redis.memory', hint: 'redis.memory.usage' }],
    [['redis.memory.usagex'], { key: 'redis.memory.usagex', hint: 'redis.memory.usage' }],
    [['kafka.consumer.lag'], { key: 'kafka.consumer.lag', hint: undefined }],
  ])('%j -> %j', (keys, want) => {
    expect(findUnknownThresholdKey(keys, checks)).toEqual(want);
  });
});
