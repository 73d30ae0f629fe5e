// --save-snapshot / `ksa analyze`: snapshots of one run in one JSON file (SnapshotFileSchema,
// published by `ksa schema snapshot`), analysed offline later with the same checks (and
// optionally other thresholds). Targets that could not be reached are recorded with their error,
// so the offline verdict (and exit code) is the live one.
import { readFileSync, writeFileSync } from 'node:fs';
import { ksaError } from '../core/errors.js';
import { SCHEMA_VERSION } from '../core/versions.js';
import type { DiagnosticResult, Snapshot, SnapshotFailure } from '../core/types.js';

export interface SnapshotFileContent {
  snapshots: unknown[];
  failures: unknown[];
}

/** A result without a snapshot is a failure worth recording: its error is the verdict. */
export function failureOf(result: DiagnosticResult): SnapshotFailure {
  return {
    plugin: result.plugin.id,
    target: result.target,
    categories: result.categories.map((c) => c.name),
    startedAt: result.startedAt,
    error: result.errors[0] ?? { code: 'KSA_ERR_INTERNAL', message: 'could not diagnose', retryable: false },
  };
}

export function writeSnapshots(file: string, snapshots: readonly Snapshot[], failures: readonly SnapshotFailure[] = []): void {
  const content = { schemaVersion: SCHEMA_VERSION, kind: 'ksa-snapshots', snapshots, failures };
  writeFileSync(file, `${JSON.stringify(content, null, 1)}\n`, { mode: 0o600 });
}

/** The file's entries, unvalidated: each snapshot is validated by the manager, each failure by analyze. */
export function readSnapshots(file: string): SnapshotFileContent {
  let raw: { kind?: unknown; snapshots?: unknown; failures?: unknown };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as typeof raw;
  } catch (error) {
    throw ksaError('KSA_ERR_SNAPSHOT_INVALID', `cannot read snapshot file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw?.kind !== 'ksa-snapshots' || !Array.isArray(raw.snapshots)) throw ksaError('KSA_ERR_SNAPSHOT_INVALID', `${file} is not a ksa snapshot file`);
  return { snapshots: raw.snapshots, failures: Array.isArray(raw.failures) ? raw.failures : [] };
}
