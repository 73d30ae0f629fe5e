// The operation allowlist: a manifest declares what a plugin may send (Redis commands, Kafka APIs,
// SQL statement kinds); plugins route every driver call through this guard.
import { ksaError } from '../core/errors.js';

export interface OperationGuard {
  allows(operation: string): boolean;
  /** Throws KSA_ERR_OPERATION_DENIED for anything undeclared. */
  assert(operation: string): void;
}

export function normalizeOperation(operation: string): string {
  return operation.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** `CONFIG GET` allows `CONFIG GET maxmemory`; `SHOW` allows `SHOW SLAVE STATUS`. */
export function createOperationGuard(pluginId: string, declared: readonly string[]): OperationGuard {
  const allowed = declared.map(normalizeOperation);
  const allows = (operation: string): boolean => {
    const op = normalizeOperation(operation);
    return allowed.some((a) => op === a || op.startsWith(`${a} `));
  };
  return {
    allows,
    assert(operation) {
      if (!allows(operation)) {
        const shown = normalizeOperation(operation).split(' ').slice(0, 3).join(' ');
        throw ksaError('KSA_ERR_OPERATION_DENIED', `plugin ${pluginId} tried ${shown}, which its manifest does not declare`);
      }
    },
  };
}

/** The statement with comments stripped, for the guard: `SHOW SLAVE STATUS`, `SELECT ...`. */
export function sqlOperationOf(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ').trim();
}
