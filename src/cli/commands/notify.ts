// `ksa notify test <route>`: sends a sample notification (marked as a test) through every receiver
// of a ksa.yaml route, now, one attempt each, and says what each receiver answered.
// `ksa notify status`: the delivery queue of a running or stopped watcher, read from its state dir
// without its lock: what waits (attempts, next attempt, last answer), what was sent, failed, expired.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closestName } from '../../core/closest-name.js';
import { ksaError } from '../../core/errors.js';
import { findConfigFile, readConfigText } from '../../config/config-file.js';
import { loadConfig } from '../../config/load-config.js';
import { resolveStateDir } from '../../watch/state-dir.js';
import { loadStateDir } from '../../watch/state-file.js';
import { attemptDelivery } from '../../notify/deliver.js';
import { DEAD_LETTER_FILE, QUEUE_SECTION_PREFIX, readQueue, type QueueEntry } from '../../notify/delivery-queue.js';
import { notifySetup } from '../../notify/notify-service.js';
import { sampleNotification } from '../../notify/sample-notification.js';
import { managerForConfig } from '../config-manager.js';
import type { Runtime } from '../runtime.js';

export interface NotifyTestFlags {
  config?: string;
  status?: string;
}

/** Returns the text and the exit code: 0 when every receiver took the sample, 1 otherwise. */
export async function runNotifyTest(rt: Runtime, routeName: string, flags: NotifyTestFlags): Promise<{ text: string; code: number }> {
  const file = findConfigFile(flags.config, process.env, process.cwd());
  if (!file) throw ksaError('KSA_ERR_BAD_INPUT', 'ksa notify test needs a ksa.yaml: none given and none found', { fix: 'pass --config ksa.yaml' });
  const status = flags.status ?? 'firing';
  if (status !== 'firing' && status !== 'resolved') throw ksaError('KSA_ERR_BAD_INPUT', `--status ${JSON.stringify(status)} is not firing or resolved`, { fix: 'use --status firing or --status resolved' });
  const config = loadConfig(file, process.env, readConfigText(file));
  const manager = await managerForConfig(rt, config, file);
  try {
    const setup = notifySetup(config, file, manager, process.env);
    if (!setup) throw ksaError('KSA_ERR_BAD_INPUT', `${file} has no notify: section`, { fix: 'add notify: receivers and routes (docs/NOTIFY.md)' });
    const route = setup.routes.find((r) => r.name === routeName);
    if (!route) {
      const names = setup.routes.map((r) => r.name);
      const near = closestName(routeName, names);
      throw ksaError('KSA_ERR_BAD_INPUT', `no route ${JSON.stringify(routeName)} in ${file} (routes: ${names.join(', ')})`, { fix: near ? `did you mean ${near}?` : 'name a route of notify.routes' });
    }
    for (const r of setup.receivers.values()) for (const s of r.secrets) rt.logger.addSecret(s);
    const lines: string[] = [];
    let code = 0;
    for (const name of route.receivers) {
      const receiver = setup.receivers.get(name)!;
      const target = config.targets[0];
      const notification = sampleNotification({
        route: route.name, receiver: name, status, ...(target ? { target: target.name, type: target.type, labels: target.labels ?? {} } : {}),
        ...(receiver.templates ? { templates: receiver.templates } : {}), ...(setup.link ? { link: setup.link } : {}),
      });
      const outcome = await attemptDelivery(manager, receiver, notification);
      if (outcome.outcome !== 'sent') code = 1;
      lines.push(`${name} (${receiver.plugin}): ${outcome.outcome}: ${outcome.detail}${outcome.retryAfterMs !== undefined ? ` (retry after ${outcome.retryAfterMs} ms)` : ''} [key ${notification.key}]`);
    }
    return { text: `${lines.join('\n')}\n`, code };
  } finally {
    await manager.close(500);
  }
}

export interface NotifyStatusFlags {
  stateDir?: string;
  json?: boolean;
}

const view = (e: QueueEntry) => ({
  key: e.key, status: e.status, route: e.route, receiver: e.receiver, plugin: e.plugin, target: e.target, attempts: e.attempts,
  createdAt: new Date(e.createdAt).toISOString(), ...(e.status === 'queued' ? { nextAttemptAt: new Date(e.nextAt).toISOString() } : {}),
  ...(e.doneAt ? { doneAt: new Date(e.doneAt).toISOString() } : {}), ...(e.lastDetail ? { lastDetail: e.lastDetail } : {}), ...(e.lastStatus !== undefined ? { lastStatus: e.lastStatus } : {}),
});

export function runNotifyStatus(flags: NotifyStatusFlags): string {
  const dir = resolveStateDir(flags.stateDir);
  if (!existsSync(join(dir, 'state.json')) && !existsSync(join(dir, 'journal-0.jsonl'))) {
    throw ksaError('KSA_ERR_BAD_INPUT', `no watcher state in ${dir}`, { fix: 'pass the --state-dir the watcher was started with' });
  }
  const state = loadStateDir(dir, () => '00000000');
  const names = [...state.sections.keys()].filter((n) => n.startsWith(QUEUE_SECTION_PREFIX));
  const entries = readQueue((n) => state.sections.get(n), names);
  const count = (s: QueueEntry['status']) => entries.filter((e) => e.status === s).length;
  const deadLetter = join(dir, DEAD_LETTER_FILE);
  if (flags.json) {
    return `${JSON.stringify({ stateDir: dir, queued: count('queued'), sent: count('sent'), failed: count('failed'), expired: count('expired'), deadLetterFile: existsSync(deadLetter) ? deadLetter : null, notifications: entries.map(view) }, null, 2)}\n`;
  }
  const lines = [`notifications in ${dir}: ${count('queued')} queued, ${count('sent')} sent, ${count('failed')} failed, ${count('expired')} expired (finished ones are kept for an hour)${existsSync(deadLetter) ? `; dead letters: ${deadLetter}` : ''}`];
  for (const e of entries) {
    const v = view(e);
    lines.push(`${v.status.padEnd(7)} ${v.key} ${v.route} -> ${v.receiver} (${v.plugin}) ${v.target}: ${v.attempts} attempt(s)${v.nextAttemptAt ? `, next ${v.nextAttemptAt}` : ''}${v.lastDetail ? `; ${v.lastDetail}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
