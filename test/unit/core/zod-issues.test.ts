// One-line zod errors: the path, the problem, and for a misspelt key the allowed key it resembles.
import { describe, expect, it } from 'vitest';
import { firstIssue } from '../../../src/core/zod-issues.js';
import { ConfigSchema } from '../../../src/config/schema.js';
import { ManifestSchema } from '../../../src/core/schemas.js';

const target = { name: 't', type: 'redis', endpoints: ['h:1'] };

function issueOf(schema: typeof ConfigSchema | typeof ManifestSchema, value: unknown): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failure');
  return firstIssue(parsed.error, schema);
}

describe('firstIssue', () => {
  it.each([
    [{ targets: [{ ...target, auth: { user: 'u' } }] }, 'targets[0].auth: unknown key "user" (did you mean "username"?)'],
    [{ targets: [{ ...target, auth: { passwordenv: 'X' } }] }, 'targets[0].auth: unknown key "passwordenv" (did you mean "passwordEnv"?)'],
    [{ targets: [{ ...target, endpoint: ['h:1'] }] }, 'targets[0]: unknown key "endpoint" (did you mean "endpoints"?)'],
    [{ defaults: { timout: '1s' }, targets: [target] }, 'defaults: unknown key "timout" (did you mean "timeout"?)'],
    [{ targets: [{ ...target, colour: 'red' }] }, 'targets[0]: unknown key "colour"'],
    [{ targets: [{ ...target, endpoints: 'h:1' }] }, 'targets[0].endpoints: Invalid input: expected array, received string'],
  ])('%j -> %s', (value, message) => {
    expect(issueOf(ConfigSchema, value)).toBe(message);
  });

  it('without a schema there is no suggestion', () => {
    const parsed = ConfigSchema.safeParse({ targets: [{ ...target, auth: { user: 'u' } }] });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(firstIssue(parsed.error)).toBe('targets[0].auth: unknown key "user"');
  });
});
