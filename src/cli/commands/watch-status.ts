// `ksa watch status`: the state of a running or stopped watcher, read from its state dir without
// taking its lock: each target's state, since when, its last cycle and what is firing, and the
// watcher's self-health as it last wrote it (health.json).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ksaError } from '../../core/errors.js';
import { resolveStateDir } from '../../watch/state-dir.js';
import { loadStateDir } from '../../watch/state-file.js';
import { HEALTH_FILE } from '../../watch/watch-sink.js';
import type { TargetRecord } from '../../watch/target-record.js';

export interface WatchStatusFlags {
  stateDir?: string;
  json?: boolean;
}

export function runWatchStatus(flags: WatchStatusFlags): string {
  const dir = resolveStateDir(flags.stateDir);
  if (!existsSync(join(dir, 'state.json')) && !existsSync(join(dir, 'journal-0.jsonl'))) {
    throw ksaError('KSA_ERR_BAD_INPUT', `no watcher state in ${dir}`, { fix: 'pass the --state-dir the watcher was started with (or start one: ksa watch --config ksa.yaml)' });
  }
  const state = loadStateDir(dir, () => '00000000');
  const holder = lockHolder(dir);
  const health = readJson(join(dir, HEALTH_FILE));
  const targets = [...state.targets.values()].sort((a, b) => (a.target < b.target ? -1 : 1));
  if (flags.json) {
    return `${JSON.stringify({ stateDir: dir, running: holder !== undefined, ...(holder ? { pid: holder } : {}), lastSeq: state.file.lastSeq, targets, health: health ?? null }, null, 2)}\n`;
  }
  const lines = [`watcher: ${holder ? `running (pid ${holder})` : 'not running'}; state dir ${dir}; ${state.file.lastSeq} events`];
  for (const t of targets) lines.push(targetLine(t));
  return `${lines.join('\n')}\n`;
}

function targetLine(t: TargetRecord): string {
  const live = Object.entries(t.findings).filter(([, f]) => f.state !== 'resolved');
  const findings = live.map(([key, f]) => `${f.state} ${f.finding.severity} ${key}`).join(', ');
  const since = new Date(t.since).toISOString();
  return `${t.target} (${t.plugin}): ${t.state} since ${since}; last ${t.last.status} in ${t.last.durationMs} ms at ${new Date(t.last.at).toISOString()}${t.error ? `; ${t.error.code}` : ''}${findings ? `; ${findings}` : ''}`;
}

/** The pid holding the state dir's lock, when that process is alive. */
function lockHolder(dir: string): number | undefined {
  const info = readJson(join(dir, 'lock')) as { pid?: unknown } | undefined;
  if (typeof info?.pid !== 'number') return undefined;
  try {
    process.kill(info.pid, 0);
    return info.pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? info.pid : undefined;
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
