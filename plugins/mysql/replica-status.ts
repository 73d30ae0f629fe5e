// One shape for a replica-status row, whichever server produced it: MariaDB and MySQL < 8.0.22 say
// Slave/Master, MySQL 8.0.22+ says Replica/Source; MariaDB names sources, MySQL names channels.
import type { Row } from './snapshot.js';

export interface ReplicaState {
  /** Connection_name (MariaDB multi-source) or Channel_Name (MySQL); '' for the default source. */
  name: string;
  source: string;
  ioState: string;
  sqlRunning: boolean;
  /** 'Yes', 'No' or 'Connecting'. */
  ioRunning: string;
  lagSeconds: number | null;
  lastIoErrno: number;
  lastIoError: string;
  lastSqlErrno: number;
  lastSqlError: string;
  relayLogSpace: number;
  sqlDelay: number;
  /** MariaDB Using_Gtid (No, Slave_Pos, Current_Pos) or MySQL Auto_Position (0/1). */
  gtid: string;
  usesGtid: boolean;
}

/** First present column among the dialect spellings. */
function pick(row: Row, ...names: string[]): string | number | null {
  for (const n of names) if (row[n] !== undefined) return row[n] ?? null;
  return null;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const int = (v: unknown) => (v === null || v === undefined || v === '' ? 0 : Number(v));

export function replicaState(row: Row): ReplicaState {
  const lag = pick(row, 'Seconds_Behind_Master', 'Seconds_Behind_Source');
  const host = text(pick(row, 'Master_Host', 'Source_Host'));
  const port = text(pick(row, 'Master_Port', 'Source_Port'));
  const gtid = text(pick(row, 'Using_Gtid', 'Auto_Position'));
  return {
    name: text(pick(row, 'Connection_name', 'Channel_Name', 'Channel_name')),
    source: port ? `${host}:${port}` : host,
    ioState: text(pick(row, 'Slave_IO_State', 'Replica_IO_State')),
    ioRunning: text(pick(row, 'Slave_IO_Running', 'Replica_IO_Running')),
    sqlRunning: text(pick(row, 'Slave_SQL_Running', 'Replica_SQL_Running')) === 'Yes',
    lagSeconds: lag === null || lag === '' ? null : Number(lag),
    lastIoErrno: int(row.Last_IO_Errno),
    lastIoError: text(row.Last_IO_Error),
    lastSqlErrno: int(row.Last_SQL_Errno),
    lastSqlError: text(row.Last_SQL_Error),
    relayLogSpace: int(row.Relay_Log_Space),
    sqlDelay: int(row.SQL_Delay),
    gtid,
    usesGtid: gtid !== '' && gtid !== 'No' && gtid !== '0',
  };
}

/** `source 'eu'` for a named MariaDB connection / MySQL channel, else the source address. */
export function replicaLabel(r: ReplicaState): string {
  return r.name ? `replication source '${r.name}' (${r.source})` : `replication from ${r.source}`;
}
