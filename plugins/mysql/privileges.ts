// What each dataset needs, and the exact GRANT that fixes a refusal for the diagnosing account.

export interface Privilege {
  name: string;
  /** The object it is granted on: `*.*`, `mysql.user`, `performance_schema.*`. */
  on: string;
}

export const PROCESS: Privilege = { name: 'PROCESS', on: '*.*' };
export const PERFORMANCE_SCHEMA_SELECT: Privilege = { name: 'SELECT', on: 'performance_schema.*' };

/** `ksa@127.0.0.1` -> `'ksa'@'127.0.0.1'`. */
export function grantee(currentUser: string): string {
  const at = currentUser.lastIndexOf('@');
  return at < 0 ? `'${currentUser}'` : `'${currentUser.slice(0, at)}'@'${currentUser.slice(at + 1)}'`;
}

/** "SHOW ENGINE INNODB STATUS needs the PROCESS privilege: GRANT PROCESS ON *.* TO 'ksa'@'%'". */
export function needs(what: string, privilege: Privilege, currentUser: string): string {
  return `${what} needs the ${privilege.name} privilege: GRANT ${privilege.name} ON ${privilege.on} TO ${grantee(currentUser || '<user>')}`;
}
