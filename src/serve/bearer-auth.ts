// Bearer tokens of ksa serve's API (docs/SERVE.md "Authentication"): each configured token has a
// name and a scope (read, or admin which includes read); the presented token is compared with
// every configured one in constant time (SHA-256 digests of both, then timingSafeEqual, over all
// tokens without an early exit), so neither its value nor which token matched leaks by timing.
// Token files are read again at every request: a rotated Kubernetes Secret needs no restart.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Scope, ServeToken } from './serve-config.js';

/** What a route needs: nothing, a read token, or an admin token. */
export type RouteScope = 'public' | Scope;

export type AuthOutcome =
  | { ok: true; caller: string; scope: Scope | 'anonymous' }
  | { ok: false; status: 401 | 403; message: string };

const SCOPE_RANK: Record<Scope, number> = { read: 1, admin: 2 };

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A token's current value; undefined (never matches) when empty or unreadable. */
function tokenValue(t: ServeToken, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const value = (t.file !== undefined ? readFileSync(t.file, 'utf8') : env[t.env!] ?? '').trim();
    return value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The tokens' current values (for redaction: a token is never echoed). */
export function tokenValues(tokens: readonly ServeToken[], env: NodeJS.ProcessEnv): string[] {
  return tokens.map((t) => tokenValue(t, env)).filter((v): v is string => v !== undefined);
}

export function authorize(header: string | undefined, need: RouteScope, tokens: readonly ServeToken[], env: NodeJS.ProcessEnv): AuthOutcome {
  if (need === 'public') return { ok: true, caller: 'anonymous', scope: 'anonymous' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return { ok: false, status: 401, message: tokens.length === 0 ? 'the API needs a token and none is configured: add serve.auth.tokens to ksa.yaml (docs/SERVE.md)' : 'send Authorization: Bearer <token>' };
  const presented = digest(m[1]!);
  let match: ServeToken | undefined;
  for (const t of tokens) {
    const value = tokenValue(t, env);
    // Compared whether or not a match was already found: the time does not depend on which one matched.
    const equal = timingSafeEqual(presented, digest(value ?? '\u0000unset')) && value !== undefined;
    if (equal && !match) match = t;
  }
  if (!match) return { ok: false, status: 401, message: 'the token is not valid' };
  if (SCOPE_RANK[match.scope] < SCOPE_RANK[need]) return { ok: false, status: 403, message: `token ${match.name} has scope ${match.scope}; this call needs ${need}` };
  return { ok: true, caller: match.name, scope: match.scope };
}
