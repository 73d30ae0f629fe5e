// Typed reads of SHOW GLOBAL STATUS / VARIABLES values from the snapshot (they arrive as strings).
import type { MysqlSnapshot } from './snapshot.js';

/** A numeric status counter, or null when this server does not have it. */
export function stat(data: MysqlSnapshot, name: string): number | null {
  const v = data.status[name];
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A numeric server variable, or null. */
export function numericSetting(data: MysqlSnapshot, name: string): number | null {
  const v = data.variables[name];
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** ON/OFF style variables (`ON`, `1`, `YES` are on). */
export function isOn(data: MysqlSnapshot, name: string): boolean {
  return ['ON', '1', 'YES', 'TRUE', 'FORCE'].includes((data.variables[name] ?? '').toUpperCase());
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? (part / whole) * 100 : 0;
}
