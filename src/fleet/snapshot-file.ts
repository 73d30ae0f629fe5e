// --save-snapshot / `ksa analyze`: snapshots of one run in one JSON file, analysed offline later
// with the same checks (and optionally other thresholds).
import { readFileSync, writeFileSync } from 'node:fs';
import { ksaError } from '../core/errors.js';
import { SCHEMA_VERSION } from '../core/versions.js';
import type { Snapshot } from '../core/types.js';

export function writeSnapshots(file: string, snapshots: readonly Snapshot[]): void {
  writeFileSync(file, `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'ksa-snapshots', snapshots }, null, 1)}\n`, { mode: 0o600 });
}

export function readSnapshots(file: string): unknown[] {
  let raw: { kind?: unknown; snapshots?: unknown };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as typeof raw;
  } catch (error) {
    throw ksaError('KSA_ERR_SNAPSHOT_INVALID', `cannot read snapshot file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw?.kind !== 'ksa-snapshots' || !Array.isArray(raw.snapshots)) throw ksaError('KSA_ERR_SNAPSHOT_INVALID', `${file} is not a ksa snapshot file`);
  return raw.snapshots;
}
