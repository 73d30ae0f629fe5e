// The checks' driver-free table of Kafka error names stays equal to the driver's own list.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES, errorName } from '../../../plugins/kafka/error-names.js';

const require = createRequire(import.meta.url);

describe('Kafka error names (plugins/kafka/error-names.ts)', () => {
  it('equal kafkajs\'s protocol error table, code for code', () => {
    const { errorCodes } = require('kafkajs/src/protocol/error.js') as { errorCodes: Array<{ type: string; code: number }> };
    expect([...ERROR_NAMES.entries()]).toEqual(errorCodes.map((e) => [e.code, e.type]));
  });

  it('name a known code and fall back to the number for an unknown one', () => {
    expect(errorName(5)).toBe('LEADER_NOT_AVAILABLE');
    expect(errorName(29)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(errorName(9999)).toBe('ERROR_CODE_9999');
  });
});
