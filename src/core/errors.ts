// One registry of error codes. Errors are values: a KsaError carries a code from this table and
// a message that says what to do. The CLI prints `code: message` on one line and exits 3.
import type { ErrorInfo } from './types.js';

interface ErrorSpec {
  retryable: boolean;
  /** Appended to the message when the caller does not give a more specific fix. */
  fix: string;
}

export const ERROR_CODES = {
  KSA_ERR_BAD_INPUT: { retryable: false, fix: 'run `ksa --help` for usage' },
  KSA_ERR_BAD_ENDPOINT: { retryable: false, fix: 'use host:port, [ipv6]:port or scheme://[user@]host:port' },
  KSA_ERR_BAD_DURATION: { retryable: false, fix: 'use a number with a unit: 500ms, 10s, 2m' },
  KSA_ERR_UNKNOWN_CATEGORY: { retryable: false, fix: 'run `ksa plugin info <id>` to list its categories' },
  KSA_ERR_UNKNOWN_PLUGIN: { retryable: false, fix: 'run `ksa plugin list` to see installed plugins' },
  KSA_ERR_UNKNOWN_TYPE: { retryable: false, fix: 'run `ksa plugin list` to see the middleware types' },
  KSA_ERR_DUPLICATE_PLUGIN: { retryable: false, fix: 'give each plugin a unique id or remove the duplicate' },
  KSA_ERR_MANIFEST_UNREADABLE: { retryable: false, fix: 'check the path and file permissions' },
  KSA_ERR_MANIFEST_INVALID: { retryable: false, fix: 'fix the manifest field named above; see docs/PLUGINS.md' },
  KSA_ERR_API_VERSION: { retryable: false, fix: 'upgrade ksa or use a plugin version built for this apiVersion' },
  KSA_ERR_DEPENDENCY_MISSING: { retryable: false, fix: 'install the required plugin or relax the `requires:` range' },
  KSA_ERR_DEPENDENCY_CYCLE: { retryable: false, fix: 'remove one of the `requires:` entries in the cycle' },
  KSA_ERR_PLUGIN_IMPORT: { retryable: false, fix: 'check the manifest `entry` and that the package is built' },
  KSA_ERR_PLUGIN_INVALID: { retryable: false, fix: 'export a plugin built with defineMiddlewarePlugin as default' },
  KSA_ERR_PLUGIN_LOCKED: { retryable: false, fix: 'reinstall it with `ksa plugin install`' },
  KSA_ERR_ILLEGAL_TRANSITION: { retryable: false, fix: 'this is a bug in the caller of the lifecycle manager' },
  KSA_ERR_TIMEOUT: { retryable: true, fix: 'raise --timeout or check that the target answers' },
  KSA_ERR_PLUGIN_CRASH: { retryable: true, fix: 'report it to the plugin author; run with --log-level debug for the stack' },
  KSA_ERR_PLUGIN_EXIT: { retryable: false, fix: 'plugins must not call process.exit; report it to the plugin author' },
  KSA_ERR_OUT_OF_MEMORY: { retryable: false, fix: 'the plugin exceeded its memory limit; report it to the plugin author' },
  KSA_ERR_CONNECT: { retryable: true, fix: 'check the endpoint, the network path and that the server is running' },
  KSA_ERR_AUTH: { retryable: false, fix: 'check the user name and password (--password-file or the env var)' },
  KSA_ERR_TLS: { retryable: false, fix: 'check the CA, certificate, key and servername options' },
  KSA_ERR_PROTOCOL: { retryable: true, fix: 'the server answered something unexpected; check the endpoint is the right service' },
  KSA_ERR_WRONG_SERVICE: { retryable: false, fix: 'check the port: another service answers on it' },
  KSA_ERR_PERMISSION: { retryable: false, fix: "declare what the plugin needs in its manifest's permissions: (docs/PLUGINS.md), or run a plugin you trust with --plugin-trust full" },
  KSA_ERR_OPERATION_DENIED: { retryable: false, fix: 'declare the operation in the plugin manifest `operations:`' },
  KSA_ERR_WRITE_NOT_ALLOWED: { retryable: false, fix: 'pass --allow-write to run a mutating action' },
  KSA_ERR_UNKNOWN_ACTION: { retryable: false, fix: 'run `ksa plugin info <id>` to list its actions' },
  KSA_ERR_ACTION_IN_FLIGHT: { retryable: true, fix: 'wait for it (ksa recovery history): one action at a time per target' },
  KSA_ERR_RATE_LIMITED: { retryable: true, fix: 'wait until then: recovery.rateLimit bounds the actions over all targets' },
  KSA_ERR_CONFIG_INVALID: { retryable: false, fix: 'fix the field named above; `ksa config example` prints a valid file' },
  KSA_ERR_CONFIG_UNREADABLE: { retryable: false, fix: 'check --config, KSA_CONFIG or ./ksa.yaml' },
  KSA_ERR_SECRET_UNREADABLE: { retryable: false, fix: 'check the password file path and its permissions' },
  KSA_ERR_SNAPSHOT_INVALID: { retryable: false, fix: 'pass a file written by `ksa diagnose --save-snapshot`' },
  KSA_ERR_STATE_LOCKED: { retryable: false, fix: 'stop that watcher first, or give this one another --state-dir' },
  KSA_ERR_STATE_DIR: { retryable: true, fix: 'free disk space or make the state dir writable (--state-dir, KSA_STATE_DIR); the watcher keeps running meanwhile' },
  KSA_ERR_INTERNAL: { retryable: false, fix: 'this is a ksa bug; rerun with --log-level debug and report it' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class KsaError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; fix?: string }) {
    const spec = ERROR_CODES[code];
    super(`${message}: ${options?.fix ?? spec.fix}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KsaError';
    this.code = code;
    this.retryable = spec.retryable;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

export function ksaError(code: ErrorCode, message: string, options?: { cause?: unknown; fix?: string }): KsaError {
  return new KsaError(code, message, options);
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** Turns anything thrown into an ErrorInfo; unknown errors become KSA_ERR_INTERNAL. */
export function toErrorInfo(error: unknown, fallback: ErrorCode = 'KSA_ERR_INTERNAL'): ErrorInfo {
  if (error instanceof KsaError) return error.toInfo();
  if (isCodedLike(error)) return { code: error.code, message: error.message, retryable: error.retryable };
  const refused = permissionRefusal(error);
  if (refused) return refused.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  return new KsaError(fallback, message).toInfo();
}

function isCodedLike(value: unknown): value is ErrorInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && isErrorCode(v.code) && typeof v.message === 'string' && typeof v.retryable === 'boolean';
}

/** What the sandbox refused, by Node's `permission` name (ERR_ACCESS_DENIED), and what to declare or pass. */
/** Node's names for what its permission model guards (`error.permission`). */
type NodePermission = 'FileSystemRead' | 'FileSystemWrite' | 'ChildProcess' | 'WorkerThreads';
const REFUSALS: Record<NodePermission, (resource: string | undefined) => { what: string; fix?: string }> = {
  FileSystemRead: (r) => ({ what: `reading ${r ?? 'a file'}`, fix: `declare it in the plugin manifest (permissions: { fsRead: [${JSON.stringify(r ?? '/path')}] }, or a reference such as \${config.caFile}), or run a plugin you trust with --plugin-trust full` }),
  FileSystemWrite: (r) => ({ what: `writing ${r ?? 'a file'}`, fix: 'external plugins never write files; run a plugin you trust with --plugin-trust full' }),
  ChildProcess: () => ({ what: 'starting a child process', fix: 'external plugins may not start programs; run a plugin you trust with --plugin-trust full' }),
  WorkerThreads: () => ({ what: 'starting a worker thread', fix: 'external plugins may not start worker threads; run a plugin you trust with --plugin-trust full' }),
};

/**
 * A refusal by Node's permission model inside a sandboxed plugin host (ERR_ACCESS_DENIED with
 * `permission` and `resource`, or ERR_DLOPEN_DISABLED for a native addon) as KSA_ERR_PERMISSION.
 */
function permissionRefusal(error: unknown): KsaError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; permission?: unknown; resource?: unknown };
  if (e.code === 'ERR_DLOPEN_DISABLED') {
    return new KsaError('KSA_ERR_PERMISSION', 'the plugin sandbox refused loading a native addon', { fix: 'external plugins may not load native addons; run a plugin you trust with --plugin-trust full' });
  }
  if (e.code !== 'ERR_ACCESS_DENIED') return undefined;
  const refusal = (typeof e.permission === 'string' && Object.hasOwn(REFUSALS, e.permission) ? REFUSALS[e.permission as NodePermission] : undefined)?.(typeof e.resource === 'string' ? e.resource : undefined)
    ?? { what: `an operation (${typeof e.permission === 'string' ? e.permission : 'unknown permission'})` };
  return new KsaError('KSA_ERR_PERMISSION', `the plugin sandbox refused ${refusal.what}`, refusal.fix ? { fix: refusal.fix } : undefined);
}
