// SQL functions and statement kinds the operation guard treats specially. A `SELECT` entry admits
// selects, but a select can call a function that changes the server (ends a session, resets
// statistics, takes a lock): such calls are operations of their own, `FUNCTION <name>`, that a
// manifest may declare only in the operations of the mutating action that needs them.
// Data, shared by the manifest schema (core) and the guard (sdk).

/** Why a function is guarded: `write` = a side effect (action-only), `sensitive` = must be declared. */
export type FunctionClass = 'write' | 'sensitive';

interface FunctionRule { cls: FunctionClass; why: string }

/** Exact names (lower case; PostgreSQL and MySQL/MariaDB share one table: the names do not collide). */
const NAMED: Record<string, FunctionRule> = {
  pg_terminate_backend: { cls: 'write', why: 'ends another session' },
  pg_cancel_backend: { cls: 'write', why: 'cancels another session\'s query' },
  pg_reload_conf: { cls: 'write', why: 'reloads the server configuration' },
  set_config: { cls: 'write', why: 'changes a setting' },
  pg_rotate_logfile: { cls: 'write', why: 'rotates the server log' },
  pg_switch_wal: { cls: 'write', why: 'forces a WAL segment switch' },
  pg_switch_xlog: { cls: 'write', why: 'forces a WAL segment switch' },
  pg_create_restore_point: { cls: 'write', why: 'writes a WAL record' },
  pg_logical_emit_message: { cls: 'write', why: 'writes a WAL record' },
  pg_notify: { cls: 'write', why: 'sends a notification' },
  pg_promote: { cls: 'write', why: 'promotes a standby' },
  pg_wal_replay_pause: { cls: 'write', why: 'pauses recovery' },
  pg_wal_replay_resume: { cls: 'write', why: 'resumes recovery' },
  pg_backup_start: { cls: 'write', why: 'starts a backup' },
  pg_backup_stop: { cls: 'write', why: 'stops a backup' },
  pg_start_backup: { cls: 'write', why: 'starts a backup' },
  pg_stop_backup: { cls: 'write', why: 'stops a backup' },
  pg_create_physical_replication_slot: { cls: 'write', why: 'creates a replication slot' },
  pg_create_logical_replication_slot: { cls: 'write', why: 'creates a replication slot' },
  pg_copy_physical_replication_slot: { cls: 'write', why: 'creates a replication slot' },
  pg_copy_logical_replication_slot: { cls: 'write', why: 'creates a replication slot' },
  pg_drop_replication_slot: { cls: 'write', why: 'drops a replication slot' },
  pg_replication_slot_advance: { cls: 'write', why: 'advances a replication slot' },
  pg_log_backend_memory_contexts: { cls: 'write', why: 'writes to the server log' },
  pg_import_system_collations: { cls: 'write', why: 'creates collations' },
  pg_file_write: { cls: 'write', why: 'writes a server file' },
  pg_file_rename: { cls: 'write', why: 'renames a server file' },
  pg_file_unlink: { cls: 'write', why: 'deletes a server file' },
  nextval: { cls: 'write', why: 'advances a sequence' },
  setval: { cls: 'write', why: 'sets a sequence' },
  lowrite: { cls: 'write', why: 'writes a large object' },
  loread: { cls: 'write', why: 'reads a large object (large-object functions are action-only)' },
  get_lock: { cls: 'write', why: 'takes a named lock' },
  release_lock: { cls: 'write', why: 'releases a named lock' },
  release_all_locks: { cls: 'write', why: 'releases named locks' },
  // Not writes, but a diagnosis has no business with them unless it says so.
  pg_read_file: { cls: 'sensitive', why: 'reads a server file' },
  pg_read_binary_file: { cls: 'sensitive', why: 'reads a server file' },
  pg_stat_file: { cls: 'sensitive', why: 'reads server file metadata' },
  load_file: { cls: 'sensitive', why: 'reads a server file' },
  sleep: { cls: 'sensitive', why: 'holds the session idle' },
  benchmark: { cls: 'sensitive', why: 'burns server CPU' },
  master_pos_wait: { cls: 'sensitive', why: 'blocks until replication catches up' },
  source_pos_wait: { cls: 'sensitive', why: 'blocks until replication catches up' },
  wait_for_executed_gtid_set: { cls: 'sensitive', why: 'blocks until replication catches up' },
};

/** Families by prefix (`pg_stat_reset_shared`, `pg_advisory_xact_lock_shared`, `dblink_exec`, ...). */
const PREFIXES: ReadonlyArray<readonly [string, FunctionRule]> = [
  ['pg_stat_reset', { cls: 'write', why: 'resets statistics' }],
  ['pg_advisory_', { cls: 'write', why: 'takes or releases an advisory lock' }],
  ['pg_try_advisory_', { cls: 'write', why: 'takes an advisory lock' }],
  ['pg_replication_origin_', { cls: 'write', why: 'changes replication origins' }],
  ['pg_logical_slot_get_', { cls: 'write', why: 'consumes changes from a replication slot' }],
  // They run a string as SQL (on this server or another), which the guard cannot read.
  ['dblink', { cls: 'write', why: 'runs SQL on another connection' }],
  ['query_to_xml', { cls: 'write', why: 'runs a string as SQL' }],
  ['lo_', { cls: 'write', why: 'creates, changes or exports large objects (lo_import/lo_export touch server files)' }],
  ['pg_ls_', { cls: 'sensitive', why: 'lists a server directory' }],
  ['pg_sleep', { cls: 'sensitive', why: 'holds the session idle' }],
];

/** The rule for a function name (any case), or undefined for an unguarded function (count, now, ...). */
export function guardedFunction(name: string): (FunctionRule & { name: string }) | undefined {
  const n = name.toLowerCase();
  const rule = NAMED[n] ?? PREFIXES.find(([p]) => n.startsWith(p))?.[1];
  return rule ? { name: n, ...rule } : undefined;
}

/**
 * Statement kinds with side effects on the server (MySQL's KILL, SET GLOBAL, FLUSH, ...): like
 * write functions, a manifest declares them only for a mutating action. Token prefixes, upper case.
 */
export const ACTION_ONLY_STATEMENTS: ReadonlyArray<readonly string[]> = [
  ['KILL'], ['SET', 'GLOBAL'], ['SET', 'PERSIST'], ['SET', 'PERSIST_ONLY'], ['FLUSH'], ['PURGE'],
  ['RESET', 'MASTER'], ['RESET', 'REPLICA'], ['RESET', 'SLAVE'], ['SHUTDOWN'],
];
