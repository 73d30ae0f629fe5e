// One line from a zod error: the path in the input (`targets[2].endpoints[0]`) and the problem.
import type { z } from 'zod';

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out || '(root)';
}

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const keys = (issue as { keys?: string[] }).keys;
  const message = issue.code === 'unrecognized_keys' && keys ? `unknown key ${keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message;
  return `${formatPath(issue.path)}: ${message}`;
}
