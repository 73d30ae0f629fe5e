// The syntax and meaning of a manifest's operation entries, and which entries a call may use.
// An entry names a whole operation (all its tokens): `stats` admits `stats` only, not `stats reset`.
// A trailing `*` admits any further arguments (`CONFIG GET *`, `SLOWLOG GET *`). SQL entries name
// statement kinds (`SELECT`, `SHOW GLOBAL STATUS`) and guarded functions (`FUNCTION pg_cancel_backend`).
// Top-level `operations:` are admitted in every call; an action's `operations:` only while it runs.
import { ACTION_ONLY_STATEMENTS, guardedFunction } from './sql-function-policy.js';

/** Upper-case tokens of an entry or operation (`config  get *` -> [CONFIG, GET, *]). */
export function operationTokens(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean).map((t) => t.toUpperCase());
}

/** Whether an entry admits an operation: equal tokens, or the entry's tokens before `*` lead it. */
export function entryAdmits(entry: readonly string[], operation: readonly string[]): boolean {
  const wildcard = entry[entry.length - 1] === '*';
  const fixed = wildcard ? entry.length - 1 : entry.length;
  if (wildcard ? operation.length < fixed : operation.length !== fixed) return false;
  for (let i = 0; i < fixed; i++) if (entry[i] !== operation[i]) return false;
  return true;
}

/** Why an entry may appear only in a mutating action's operations (undefined: anywhere). */
export function actionOnlyReason(entry: string): string | undefined {
  const tokens = operationTokens(entry);
  if (tokens[0] === 'FUNCTION' && tokens[1] !== undefined) {
    const rule = guardedFunction(tokens[1]);
    return rule?.cls === 'write' ? `${rule.name} ${rule.why}` : undefined;
  }
  const kind = ACTION_ONLY_STATEMENTS.find((p) => p.every((t, i) => tokens[i] === t));
  return kind ? `${kind.join(' ')} changes the server` : undefined;
}

/** A malformed entry's problem: `*` anywhere but last, `FUNCTION` without exactly one name. */
export function entryProblem(entry: string): string | undefined {
  const tokens = operationTokens(entry);
  if (tokens.slice(0, -1).includes('*') || tokens.some((t) => t !== '*' && t.includes('*'))) {
    return `"${entry}": * stands alone as the last token (e.g. "CONFIG GET *")`;
  }
  if (tokens[0] === 'FUNCTION' && (tokens.length !== 2 || tokens[1] === '*')) return `"${entry}": write FUNCTION <name>, one function per entry`;
  return undefined;
}

interface ScopedManifest {
  operations: readonly string[];
  actions: ReadonlyArray<{ name: string; mutating: boolean; operations?: readonly string[] | undefined }>;
}

/** Problems of a manifest's operations (reported by the manifest schema). */
export function manifestOperationProblems(m: ScopedManifest): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  m.operations.forEach((entry, i) => {
    const bad = entryProblem(entry);
    if (bad) problems.push({ path: ['operations', i], message: bad });
    const why = actionOnlyReason(entry);
    if (why) problems.push({ path: ['operations', i], message: `"${entry}" has a side effect (${why}): declare it in the operations: of the mutating action that needs it, not for every call` });
  });
  m.actions.forEach((action, a) => (action.operations ?? []).forEach((entry, i) => {
    const bad = entryProblem(entry);
    if (bad) problems.push({ path: ['actions', a, 'operations', i], message: bad });
    const why = actionOnlyReason(entry);
    if (why && !action.mutating) problems.push({ path: ['actions', a, 'operations', i], message: `action ${action.name} declares "${entry}" (${why}): mark the action mutating: true` });
  }));
  return problems;
}

/** The entries a call may use: the top-level ones, plus the running action's own. */
export function operationsInScope(m: ScopedManifest, action?: string): readonly string[] {
  const own = action === undefined ? undefined : m.actions.find((a) => a.name === action)?.operations;
  return own && own.length > 0 ? [...m.operations, ...own] : m.operations;
}
