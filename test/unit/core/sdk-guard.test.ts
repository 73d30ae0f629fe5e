// The operation allowlist a plugin's driver calls go through: whole commands, `*` for arguments,
// SQL statement kinds and guarded functions however they are spelled, action-only entries.
import { describe, expect, it } from 'vitest';
import { createOperationGuard, normalizeOperation, sqlOperationOf } from '../../../src/sdk/guard.js';
import { sqlOperationsOf } from '../../../src/sdk/sql-operations.js';
import { manifestOperationProblems, operationsInScope } from '../../../src/core/operation-entries.js';
import { ManifestSchema } from '../../../src/core/schemas.js';

const denied = expect.objectContaining({ code: 'KSA_ERR_OPERATION_DENIED' });

describe('createOperationGuard: an entry is a whole command, * admits arguments', () => {
  const guard = createOperationGuard('memcached-diagnostics', ['stats', 'stats settings', 'CONFIG GET *', 'slowlog   len', 'INFO *']);

  it.each([
    ['stats', true], ['STATS', true], ['  stats  settings ', true], ['CONFIG GET maxmemory', true], ['config get', true],
    ['CONFIG GET *', true], ['SLOWLOG LEN', true], ['INFO', true], ['INFO all', true],
    // Prefix matching admitted all of these before:
    ['stats reset', false], ['stats settings reset', false], ['SLOWLOG LEN 1', false], ['CONFIG GET a b c', true],
    ['CONFIG SET maxmemory 1', false], ['CONFIG', false], ['STATSX', false], ['', false], ['DEL stats', false],
  ] as const)('%j allowed: %s', (op, allowed) => {
    expect(guard.allows(op)).toBe(allowed);
    if (allowed) expect(() => guard.assert(op)).not.toThrow();
    else expect(() => guard.assert(op)).toThrowError(denied);
  });

  it('an argument list is matched token by token (an argument with a space stays one token)', () => {
    expect(guard.allows(['CONFIG', 'GET', 'max memory'])).toBe(true);
    expect(guard.allows(['stats', 'reset'])).toBe(false);
    expect(guard.allows(['stats reset'])).toBe(false);
  });

  it('the refusal names the plugin and the command, with a hint, and no argument value', () => {
    expect(() => guard.assert('stats reset')).toThrowError(/memcached-diagnostics tried STATS RESET, which its manifest does not declare \(its entry "STATS" admits exactly that command; declare "STATS RESET" or "STATS \*"\)/);
    try {
      guard.assert('CONFIG SET requirepass hunter2secret');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toContain('CONFIG SET REQUIREPASS');
      expect((e as Error).message).not.toMatch(/hunter2secret/i);
    }
    const auth = createOperationGuard('redis-diagnostics', ['INFO *'], { secrets: ['s3cret'] });
    expect(() => auth.assert(['AUTH', 's3cret'])).toThrowError(/tried AUTH \*\*\*,/);
  });

  it('an empty allowlist refuses everything; normalizeOperation joins upper-case tokens', () => {
    expect(createOperationGuard('p', []).allows('INFO')).toBe(false);
    expect(normalizeOperation('  config   get\tmaxmemory ')).toBe('CONFIG GET MAXMEMORY');
    expect(normalizeOperation(['config', 'get', 'a b'])).toBe('CONFIG GET A B');
  });
});

describe('sqlOperationsOf: statement kinds and guarded functions', () => {
  it.each([
    ['postgres', 'SELECT 1', ['SELECT']],
    ['postgres', '/* SELECT */ DELETE FROM t', ['DELETE FROM T']],
    ['postgres', '-- SELECT\nDROP TABLE t', ['DROP TABLE T']],
    ['postgres', 'SELECT 1; DROP TABLE t', ['SELECT', 'DROP TABLE T']],
    ['postgres', 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', ['SELECT', 'DELETE']],
    ['postgres', 'SELECT * FROM t FOR UPDATE', ['SELECT', 'SELECT FOR UPDATE']],
    ['postgres', 'SELECT * INTO copy FROM t', ['SELECT', 'SELECT INTO']],
    ['postgres', "EXPLAIN ANALYZE SELECT pg_stat_reset()", ['EXPLAIN ANALYZE', 'FUNCTION pg_stat_reset']],
    ['mysql', "SHOW GLOBAL STATUS LIKE 'Uptime%'", ['SHOW GLOBAL STATUS']],
    ['mysql', 'SHOW FULL PROCESSLIST', ['SHOW FULL PROCESSLIST']],
    ['mysql', 'SET SESSION TRANSACTION READ ONLY', ['SET SESSION TRANSACTION READ ONLY']],
    ['mysql', 'SET SESSION max_statement_time = 1.500', ['SET SESSION MAX_STATEMENT_TIME']],
    ['mysql', 'SET SESSION max_statement_time = 1, GLOBAL max_connections = 1', ['SET SESSION MAX_STATEMENT_TIME', 'SET GLOBAL MAX_CONNECTIONS']],
    ['mysql', 'SET GLOBAL a = 1, b = 2', ['SET GLOBAL A', 'SET GLOBAL B']],
    ['mysql', 'SET @@global.max_connections = 1', ['SET GLOBAL MAX_CONNECTIONS']],
    ['mysql', 'SET LOCAL wait_timeout = 5', ['SET SESSION WAIT_TIMEOUT']],
    ['mysql', 'kill/**/query 5', ['KILL QUERY']],
    ['mysql', 'KILL 5', ['KILL']],
    ['mysql', 'FLUSH STATUS', ['FLUSH STATUS']],
    ['mysql', "SELECT * FROM t INTO OUTFILE '/tmp/x'", ['SELECT', 'SELECT INTO']],
  ] as const)('%s: %j -> %j', (dialect, sql, ops) => {
    expect(sqlOperationsOf(sql, dialect)).toEqual(ops);
  });

  // Each of these calls the function on a real server; each must be seen.
  it.each([
    ['postgres', 'SELECT pg_terminate_backend(5)', 'pg_terminate_backend'],
    ['postgres', 'select PG_CATALOG.PG_TERMINATE_BACKEND (5)', 'pg_terminate_backend'],
    ['postgres', 'SELECT pg_catalog . "pg_terminate_backend"(5)', 'pg_terminate_backend'],
    ['postgres', 'SELECT U&"pg_termin\\0061te_backend"(5)', 'pg_terminate_backend'],
    ['postgres', "SELECT U&\"pg_termin!0061te_backend\" UESCAPE '!' (5)", 'pg_terminate_backend'],
    ['postgres', 'SELECT pg_cancel_backend/* c */(5)', 'pg_cancel_backend'],
    ['postgres', "SELECT $a$ $$ $a$, pg_cancel_backend(1)", 'pg_cancel_backend'],
    ['postgres', "SELECT '--', pg_cancel_backend(1)", 'pg_cancel_backend'],
    ['postgres', 'SELECT /* /* nested */ 1 */ pg_cancel_backend(1)', 'pg_cancel_backend'],
    ['postgres', 'SELECT 1; SELECT pg_stat_reset_shared(\'bgwriter\')', 'pg_stat_reset_shared'],
    ['postgres', "SELECT set_config('work_mem', '1GB', false)", 'set_config'],
    ['postgres', 'SELECT pg_advisory_xact_lock(1)', 'pg_advisory_xact_lock'],
    ['postgres', 'SELECT pg_try_advisory_lock(1)', 'pg_try_advisory_lock'],
    ['postgres', "SELECT nextval('s')", 'nextval'],
    ['postgres', "SELECT dblink_exec('dbname=x', 'DROP TABLE t')", 'dblink_exec'],
    ['postgres', "SELECT query_to_xml('select pg_reload_conf()', true, true, '')", 'query_to_xml'],
    ['postgres', "SELECT lo_export(1, '/tmp/x')", 'lo_export'],
    // With standard_conforming_strings off the backslash escapes the quote, and the call is code.
    ['postgres', "SELECT 'a\\', pg_reload_conf() --'", 'pg_reload_conf'],
    ['mysql', 'SELECT 1 /*!50000 , SLEEP(5) */', 'sleep'],
    ['mysql', 'SELECT 1 /*M!100100 , GET_LOCK(\'a\', 1) */', 'get_lock'],
    ["mysql", "SELECT 1 --'\n', GET_LOCK('a',1)", 'get_lock'],
    ['mysql', "SELECT 'x\\'', `get_lock`('a', 1) #'", 'get_lock'],
    ['mysql', 'SELECT release_lock("a")', 'release_lock'],
    ['mysql', 'SELECT NEXT VALUE FOR s', 'nextval'],
    ['mysql', "SELECT LOAD_FILE('/etc/passwd')", 'load_file'],
  ] as const)('%s: %j calls %s', (dialect, sql, fn) => {
    expect(sqlOperationsOf(sql, dialect)).toContain(`FUNCTION ${fn}`);
  });

  it.each([
    ['postgres', "SELECT $$pg_terminate_backend(1)$$"],
    ['postgres', "SELECT E'a\\', pg_reload_conf() --'"],
    ['postgres', "SELECT 'pg_terminate_backend(1)' AS text, query FROM pg_stat_activity -- pg_cancel_backend(1)"],
    ['mysql', "SELECT 'SLEEP(1)' # GET_LOCK('a', 1)"],
    ['mysql', "SELECT COUNT(*) FROM information_schema.processlist WHERE command = 'Sleep'"],
  ] as const)('%s: %j calls no guarded function (strings, dollar quotes, comments)', (dialect, sql) => {
    expect(sqlOperationsOf(sql, dialect).filter((op) => op.startsWith('FUNCTION'))).toEqual([]);
  });
});

describe('guard.assertSql: a SELECT entry does not admit a side-effect function', () => {
  const diagnose = createOperationGuard('fixture-sql', ['SELECT']);
  const action = createOperationGuard('fixture-sql', ['SELECT', 'FUNCTION pg_terminate_backend']);

  it('refuses during a diagnosis with a coded error naming the function, admits it in the action that declares it', () => {
    expect(() => diagnose.assertSql('SELECT 1', 'postgres')).not.toThrow();
    expect(() => diagnose.assertSql('SELECT pg_catalog."pg_terminate_backend"(42)', 'postgres')).toThrowError(denied);
    expect(() => diagnose.assertSql('SELECT pg_terminate_backend(42)', 'postgres')).toThrowError(/fixture-sql called pg_terminate_backend\(\) \(it ends another session\), which is admitted only while a mutating action that declares it runs/);
    expect(() => action.assertSql('SELECT pg_terminate_backend(42)', 'postgres')).not.toThrow();
    expect(() => action.assertSql('SELECT pg_cancel_backend(42)', 'postgres')).toThrowError(denied);
    expect(() => diagnose.assertSql('SELECT 1; DROP TABLE t', 'postgres')).toThrowError(/tried DROP TABLE T/);
  });

  it('MySQL: KILL and SET GLOBAL are statement kinds of their own', () => {
    const g = createOperationGuard('mysql-diagnostics', ['SELECT', 'SET SESSION MAX_STATEMENT_TIME']);
    expect(() => g.assertSql('SET SESSION max_statement_time = 2', 'mysql')).not.toThrow();
    expect(() => g.assertSql('SET SESSION max_statement_time = 2, GLOBAL max_connections = 1', 'mysql')).toThrowError(/SET GLOBAL MAX_CONNECTIONS/);
    expect(() => g.assertSql('KILL 7', 'mysql')).toThrowError(denied);
    expect(() => g.assertSql("SELECT GET_LOCK('x', 1)", 'mysql')).toThrowError(/get_lock\(\)/);
  });

  it('the deprecated sqlOperationOf stays safe with guard.assert', () => {
    const g = createOperationGuard('pg', ['SELECT']);
    expect(sqlOperationOf('/* hint */ SELECT 1')).toBe('SELECT');
    expect(g.allows(sqlOperationOf('SELECT 1'))).toBe(true);
    expect(g.allows(sqlOperationOf('SELECT pg_terminate_backend(1)'))).toBe(false);
    expect(g.allows(sqlOperationOf('/* SELECT */ DELETE FROM t'))).toBe(false);
  });
});

describe('manifest: action-only entries and scopes', () => {
  const base = { id: 'p', name: 'P', version: '1.0.0', apiVersion: 1, type: 'middleware', entry: './i.js' };

  it('refuses a side-effect entry for every call, a non-mutating action that declares one, and a misplaced *', () => {
    const problems = manifestOperationProblems({
      operations: ['SELECT', 'FUNCTION pg_terminate_backend', 'KILL', 'SET GLOBAL *', 'CONFIG * GET', 'FUNCTION'],
      actions: [{ name: 'peek', mutating: false, operations: ['FUNCTION pg_cancel_backend'] }, { name: 'end', mutating: true, operations: ['FUNCTION pg_terminate_backend', 'KILL'] }],
    }).map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(problems).toEqual([
      'operations.1: "FUNCTION pg_terminate_backend" has a side effect (pg_terminate_backend ends another session): declare it in the operations: of the mutating action that needs it, not for every call',
      'operations.2: "KILL" has a side effect (KILL changes the server): declare it in the operations: of the mutating action that needs it, not for every call',
      'operations.3: "SET GLOBAL *" has a side effect (SET GLOBAL changes the server): declare it in the operations: of the mutating action that needs it, not for every call',
      'operations.4: "CONFIG * GET": * stands alone as the last token (e.g. "CONFIG GET *")',
      'operations.5: "FUNCTION": write FUNCTION <name>, one function per entry',
      'actions.0.operations.0: action peek declares "FUNCTION pg_cancel_backend" (pg_cancel_backend cancels another session\'s query): mark the action mutating: true',
    ]);
    expect(ManifestSchema.safeParse({ ...base, operations: ['SELECT', 'FUNCTION pg_terminate_backend'] }).success).toBe(false);
    expect(ManifestSchema.safeParse({ ...base, operations: ['SELECT', 'FUNCTION pg_sleep'], actions: [{ name: 'end', mutating: true, operations: ['FUNCTION pg_terminate_backend'] }] }).success).toBe(true);
  });

  it('a call sees the top-level entries, plus its action\'s own', () => {
    const m = { operations: ['SELECT'], actions: [{ name: 'end', mutating: true, operations: ['FUNCTION pg_terminate_backend'] }, { name: 'peek', mutating: false }] };
    expect(operationsInScope(m)).toEqual(['SELECT']);
    expect(operationsInScope(m, 'peek')).toEqual(['SELECT']);
    expect(operationsInScope(m, 'end')).toEqual(['SELECT', 'FUNCTION pg_terminate_backend']);
  });
});

describe('batchSql / assertSqlStatement: a multi-statement message carries only checked statements', () => {
  const guard = createOperationGuard('mysql-diagnostics', ['SELECT', 'SHOW GLOBAL STATUS', 'SET SESSION TRANSACTION READ ONLY']);

  it('joins declared statements, one per entry', () => {
    expect(guard.batchSql(['SET SESSION TRANSACTION READ ONLY', 'SELECT 1', "SHOW GLOBAL STATUS LIKE 'Up;time'"], 'mysql'))
      .toBe("SET SESSION TRANSACTION READ ONLY;\nSELECT 1;\nSHOW GLOBAL STATUS LIKE 'Up;time'");
  });

  it.each([
    ['an undeclared statement among declared ones', ['SELECT 1', 'DELETE FROM t']],
    ['two statements in one entry', ['SELECT 1; DELETE FROM t']],
    ['a second statement behind a trailing ;', ['SELECT 1;', 'SELECT 2']],
    // Unbalanced quote: with backslash escapes the ; is inside the string, without it ends it.
    ['an entry whose split depends on backslash escapes', ["SELECT 'a\\'; SELECT 1 -- '"]],
    // An entry opening a comment or string that the next entry would close: the join differs.
    ['an entry that swallows the next one', ['SELECT 1 /*', '*/ SELECT 2']],
    ['an empty entry', ['SELECT 1', '']],
  ])('refuses %s', (_what, statements) => {
    expect(() => guard.batchSql(statements, 'mysql')).toThrowError(denied);
  });

  it('a text sent alone must be exactly one statement, even when every statement in it is declared', () => {
    expect(() => guard.assertSqlStatement('SELECT 1', 'mysql')).not.toThrow();
    expect(() => guard.assertSql('SELECT 1; SELECT 2', 'mysql')).not.toThrow();
    expect(() => guard.assertSqlStatement('SELECT 1; SELECT 2', 'mysql')).toThrowError(denied);
    expect(() => guard.assertSqlStatement('SELECT 1 /*! ; SELECT 2 */', 'mysql')).toThrowError(denied);
  });
});
