// Pure parsing of SHOW ENGINE INNODB STATUS text (same layout in MySQL 8 and MariaDB, except that
// MariaDB writes "MariaDB thread id" and "CONFLICTING WITH" where MySQL writes "MySQL thread id"
// and "HOLDS THE LOCK(S)").

export interface DeadlockTransaction {
  /** 1-based number in the report: `*** (1) TRANSACTION:`. */
  number: number;
  thread: number | null;
  activeSeconds: number | null;
  /** `localhost root updating`: host, user and state as the server printed them. */
  session: string;
  /** The statement it was running (raw: may hold literal values; redact before showing). */
  statement: string;
  /** `app`.`t` index PRIMARY, from the lock it waited for. */
  waitingFor: string | null;
}

export interface Deadlock {
  /** Server local time, `YYYY-MM-DD HH:MM:SS`. */
  time: string;
  transactions: DeadlockTransaction[];
  rolledBack: number | null;
}

function section(status: string, title: string): string | null {
  const start = status.search(new RegExp(`^${title}\\n-+\\n`, 'm'));
  if (start < 0) return null;
  const body = status.slice(start).replace(/^[^\n]*\n-+\n/, '');
  // Sections end where the next "-----\nTITLE\n-----" header starts.
  const next = body.search(/\n-{3,}\n[A-Z][A-Z /()]+\n-{3,}\n/);
  return next < 0 ? body : body.slice(0, next);
}

export function latestDeadlock(status: string): Deadlock | null {
  const body = section(status, 'LATEST DETECTED DEADLOCK');
  if (!body) return null;
  const time = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/m.exec(body)?.[1];
  if (!time) return null;
  const parts = body.split(/^\*\*\* \((\d+)\) TRANSACTION:\s*$/m);
  const transactions: DeadlockTransaction[] = [];
  for (let i = 1; i + 1 < parts.length; i += 2) {
    transactions.push(parseTransaction(Number(parts[i]), parts[i + 1] ?? ''));
  }
  const rolledBack = /\*\*\* WE ROLL BACK TRANSACTION \((\d+)\)/.exec(body)?.[1];
  return { time, transactions, rolledBack: rolledBack === undefined ? null : Number(rolledBack) };
}

function parseTransaction(number: number, text: string): DeadlockTransaction {
  const lines = text.split('\n');
  const threadLine = lines.findIndex((l) => /^(?:MySQL|MariaDB) thread id \d+/.test(l));
  const thread = threadLine < 0 ? null : /thread id (\d+)/.exec(lines[threadLine] ?? '');
  const session = threadLine < 0 ? '' : (/query id \d+\s*(.*)$/.exec(lines[threadLine] ?? '')?.[1] ?? '').trim();
  const statement: string[] = [];
  for (const line of threadLine < 0 ? [] : lines.slice(threadLine + 1)) {
    if (line.startsWith('***') || line.trim() === '') break;
    statement.push(line);
  }
  const active = /ACTIVE (\d+) sec/.exec(text);
  const waiting = /WAITING FOR THIS LOCK TO BE GRANTED:\s*\n.*?index (\S+) of table (\S+)/.exec(text);
  return {
    number,
    thread: thread ? Number(thread[1]) : null,
    activeSeconds: active ? Number(active[1]) : null,
    session,
    statement: statement.join(' ').trim(),
    waitingFor: waiting ? `${waiting[2]} index ${waiting[1]}` : null,
  };
}

export function historyListLength(status: string): number | null {
  const m = /^History list length (\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** Seconds between two server-local `YYYY-MM-DD HH:MM:SS` times (b - a); null when unparsable. */
export function secondsBetween(a: string, b: string): number | null {
  const ta = Date.parse(`${a.replace(' ', 'T')}Z`);
  const tb = Date.parse(`${b.replace(' ', 'T')}Z`);
  return Number.isNaN(ta) || Number.isNaN(tb) ? null : Math.round((tb - ta) / 1000);
}
