// `ksa recovery history [--target name] [--state-dir dir] [--json]`: every recovery attempt the
// engine recorded in a watcher's state dir (read without taking its lock, like `ksa watch status`),
// oldest first: when, which rule and action, the attempt, the outcome, its detail and exit code,
// and the snapshot taken before it. Secrets were redacted when the entries were written.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ksaError } from '../../core/errors.js';
import { resolveStateDir } from '../../watch/state-dir.js';
import { loadStateDir } from '../../watch/state-file.js';
import { readSection, RECOVERY_SECTION, type HistoryEntry } from '../../recovery/recovery-state.js';

export interface RecoveryHistoryFlags {
  stateDir?: string;
  target?: string;
  json?: boolean;
}

export function runRecoveryHistory(flags: RecoveryHistoryFlags): string {
  const dir = resolveStateDir(flags.stateDir);
  if (!existsSync(join(dir, 'state.json'))) {
    throw ksaError('KSA_ERR_BAD_INPUT', `no watcher state in ${dir}`, { fix: 'pass the --state-dir the watcher was started with' });
  }
  const { section, problem } = readSection(loadStateDir(dir, () => '00000000').sections.get(RECOVERY_SECTION));
  if (problem) throw ksaError('KSA_ERR_STATE_DIR', `the recovery state in ${dir} cannot be read (${problem})`, { fix: 'check the state dir belongs to this ksa version' });
  const entries = section.history.filter((e) => flags.target === undefined || e.target === flags.target);
  if (flags.json) return `${JSON.stringify({ stateDir: dir, entries }, null, 2)}\n`;
  if (entries.length === 0) return `no recovery attempts recorded in ${dir}${flags.target ? ` for ${flags.target}` : ''}\n`;
  return `${entries.map(line).join('\n')}\n`;
}

function line(e: HistoryEntry): string {
  const what = e.argv ? e.argv.join(' ') : JSON.stringify(e.params ?? {});
  const exit = e.exitCode !== undefined && e.exitCode !== null ? ` exit ${e.exitCode}` : '';
  const took = e.durationMs !== undefined ? ` ${e.durationMs} ms` : '';
  return `${e.at} ${e.target} ${e.rule} ${e.action} attempt ${e.attempt}${e.dryRun ? ' (dry-run)' : ''}: ${e.outcome}${exit}${took}: ${e.detail}; ${what}${e.snapshot ? `; snapshot ${e.snapshot}` : ''}`;
}
