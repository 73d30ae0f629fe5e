// The operation allowlist: a manifest declares what a plugin may send (protocol commands, API names,
// SQL statement kinds and guarded functions); plugins route every driver call through this guard.
// An entry matches a whole operation (all its tokens); a trailing `*` admits further arguments.
// Built from ctx.operations, which holds the entries of the running call's scope: the manifest's
// top-level operations, plus the running action's own (see core/operation-entries.ts).
import { ksaError } from '../core/errors.js';
import { entryAdmits, operationTokens } from '../core/operation-entries.js';
import { guardedFunction } from '../core/sql-function-policy.js';
import { sqlOperationsOf, sqlStatementCounts } from './sql-operations.js';
import type { SqlDialect } from './sql-tokens.js';

/** A command as text (`CONFIG GET maxmemory`) or as its arguments (`['CONFIG', 'GET', 'max memory']`). */
export type Operation = string | readonly string[];

export interface OperationGuard {
  allows(operation: Operation): boolean;
  /** Throws KSA_ERR_OPERATION_DENIED for anything undeclared. */
  assert(operation: Operation): void;
  /** Checks every statement kind and guarded function of a SQL text (see sqlOperationsOf). */
  assertSql(sql: string, dialect: SqlDialect): void;
  /** assertSql, and the text must be exactly one statement however the server reads its strings. */
  assertSqlStatement(sql: string, dialect: SqlDialect): void;
  /**
   * The text that sends `statements` as one multi-statement message: each is checked alone (one
   * statement, declared), then the joined text again, which must split into exactly as many
   * statements under either reading of backslashes, so a batch never carries an unchecked one.
   */
  batchSql(statements: readonly string[], dialect: SqlDialect): string;
}

const tokensOf = (operation: Operation): string[] =>
  typeof operation === 'string' ? operationTokens(operation) : operation.map((a) => a.toUpperCase());

export function normalizeOperation(operation: Operation): string {
  return tokensOf(operation).join(' ');
}

export interface GuardOptions {
  /** Values never shown in a refusal (a password passed as an AUTH argument). */
  secrets?: readonly string[];
}

export function createOperationGuard(pluginId: string, declared: readonly string[], options: GuardOptions = {}): OperationGuard {
  const entries = declared.map(operationTokens);
  const secrets = (options.secrets ?? []).filter((x) => x.length > 0).map((x) => x.toUpperCase());
  const allows = (operation: Operation): boolean => {
    const tokens = tokensOf(operation);
    return entries.some((e) => entryAdmits(e, tokens));
  };
  const assert = (operation: Operation): void => {
    if (allows(operation)) return;
    const tokens = tokensOf(operation).map((t) => (secrets.includes(t) ? '***' : t));
    // Arguments may carry values (CONFIG SET requirepass <value>): a refusal shows the command words only.
    const shown = tokens.slice(0, typeof operation === 'string' ? 3 : 2).join(' ');
    const shorter = entries.find((e) => e.length < tokens.length && e[e.length - 1] !== '*' && e.every((t, i) => t === tokens[i]));
    const exact = typeof operation === 'string' && shorter && shorter.length < 3 ? `"${tokens.slice(0, shorter.length + 1).join(' ')}" or ` : '';
    const hint = shorter ? ` (its entry "${shorter.join(' ')}" admits exactly that command; declare ${exact}"${shorter.join(' ')} *")` : '';
    throw ksaError('KSA_ERR_OPERATION_DENIED', `plugin ${pluginId} tried ${shown}, which its manifest does not declare${hint}`);
  };
  const assertSql = (sql: string, dialect: SqlDialect): void => {
    for (const op of sqlOperationsOf(sql, dialect)) {
      if (allows(op)) continue;
      const fn = op.startsWith('FUNCTION ') ? guardedFunction(op.slice('FUNCTION '.length)) : undefined;
      if (fn === undefined) assert(op);
      else if (fn.cls === 'write') {
        throw ksaError('KSA_ERR_OPERATION_DENIED', `plugin ${pluginId} called ${fn.name}() (it ${fn.why}), which is admitted only while a mutating action that declares it runs`, {
          fix: `declare "FUNCTION ${fn.name}" in the operations: of the mutating action that needs it (actions: [{name, mutating: true, operations: [FUNCTION ${fn.name}]}])`,
        });
      } else {
        throw ksaError('KSA_ERR_OPERATION_DENIED', `plugin ${pluginId} called ${fn.name}() (it ${fn.why}), which its manifest does not declare`, {
          fix: `declare "FUNCTION ${fn.name}" in the manifest operations: if the plugin needs it`,
        });
      }
    }
  };
  const assertCount = (sql: string, dialect: SqlDialect, expected: number, what: string): void => {
    const counts = sqlStatementCounts(sql, dialect);
    if (counts.every((n) => n === expected)) return;
    throw ksaError('KSA_ERR_OPERATION_DENIED', `plugin ${pluginId} sent ${what} that reads as ${[...new Set(counts)].join(' or ')} statement(s), not ${expected}`, {
      fix: 'send one statement per entry of a batch, without unbalanced quotes or comments',
    });
  };
  const assertSqlStatement = (sql: string, dialect: SqlDialect): void => {
    assertCount(sql, dialect, 1, 'a statement');
    assertSql(sql, dialect);
  };
  return {
    allows,
    assert,
    assertSql,
    assertSqlStatement,
    batchSql(statements, dialect) {
      for (const sql of statements) assertSqlStatement(sql, dialect);
      const text = statements.join(';\n');
      assertCount(text, dialect, statements.length, `a batch of ${statements.length} statements`);
      assertSql(text, dialect);
      return text;
    },
  };
}

/**
 * Deprecated (use guard.assertSql): the SQL text's one operation (`SELECT`, `SHOW GLOBAL STATUS`),
 * or, when it performs several (a guarded function, a second statement), all of them joined, which
 * no entry matches, so `guard.assert(sqlOperationOf(sql))` stays safe.
 */
export function sqlOperationOf(sql: string): string {
  const ops = new Set([...sqlOperationsOf(sql, 'postgres'), ...sqlOperationsOf(sql, 'mysql')]);
  return [...ops].join(' AND ');
}
