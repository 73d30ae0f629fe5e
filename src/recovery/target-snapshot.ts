// Before every mutating attempt, the target as it is (seed 000's `_create_backup`): a diagnosis
// with its snapshot, saved in ksa's snapshot file format (`ksa schema snapshot`, readable by
// `ksa analyze`) under <state dir>/recovery-snapshots/, referenced from the history. A target that
// cannot be diagnosed is recorded as the file's failure entry. The newest 100 files are kept.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { writeFileAtomic } from '../watch/atomic-file.js';
import { failureOf } from '../fleet/snapshot-file.js';
import { SCHEMA_VERSION } from '../core/versions.js';
import type { DiagnosticResult, Snapshot } from '../core/types.js';

export const SNAPSHOT_DIR = 'recovery-snapshots';
const KEEP = 100;

export interface SavedSnapshot {
  /** Path relative to the state dir. */
  file: string;
  /** The target could be diagnosed (else the file holds its failure). */
  ok: boolean;
  result: DiagnosticResult;
}

export function saveTargetSnapshot(stateDir: string, name: { target: string; rule: string; attempt: number; at: number }, taken: { result: DiagnosticResult; snapshot?: Snapshot }): SavedSnapshot {
  const dir = join(stateDir, SNAPSHOT_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  const file = `${name.at}-${safe(name.target)}-${safe(name.rule)}-${name.attempt}.json`;
  const content = { schemaVersion: SCHEMA_VERSION, kind: 'ksa-snapshots', snapshots: taken.snapshot ? [taken.snapshot] : [], failures: taken.snapshot ? [] : [failureOf(taken.result)] };
  writeFileAtomic(join(dir, file), `${JSON.stringify(content)}\n`);
  prune(dir);
  return { file: join(SNAPSHOT_DIR, file), ok: taken.snapshot !== undefined, result: taken.result };
}

function prune(dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  for (const f of files.slice(0, Math.max(0, files.length - KEEP))) rmSync(join(dir, f), { force: true });
}
