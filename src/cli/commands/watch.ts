// `ksa watch`: diagnoses every ksa.yaml target on its own schedule until stopped. SIGTERM/SIGINT
// finish the cycles in flight up to the grace period, flush state and logs, exit 0; SIGHUP (and
// --watch-config on a change of the file) reloads ksa.yaml, refusing an invalid one with one log
// line while the old config keeps running. --once runs one cycle of every target and exits with
// the gate's exit code (the same as `ksa diagnose --config`).
import { watch as watchFile, type FSWatcher } from 'node:fs';
import { ksaError, toErrorInfo } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import { targetSecrets } from '../../core/plugin-options.js';
import { leaveSignalsToCaller } from '../../core/isolation/child-transport.js';
import { findConfigFile, readConfigText } from '../../config/config-file.js';
import { loadConfig } from '../../config/load-config.js';
import { managerForConfig } from '../config-manager.js';
import { buildReport } from '../report.js';
import { parseFailOn } from './diagnose.js';
import { Watcher } from '../../watch/watcher.js';
import { boundHeapGrowth } from '../../watch/heap-growth.js';
import { watchTargets, type WatchTarget } from '../../watch/watch-targets.js';
import { openWatchSink, type WatchSink } from '../../watch/watch-sink.js';
import { createWatchView } from '../../watch/watch-view.js';
import { notifySetup, startNotify, type NotifyService, type NotifySetup } from '../../notify/notify-service.js';
import type { WatchExtras } from '../../watch/watch-loop.js';
import { recoveryActions, startWatchRecovery, type WatchRecovery } from '../../recovery/watch-recovery.js';
import { RECOVERY_SUBSCRIBER } from '../../recovery/engine.js';
import { recordManualAction, sinkManualPort, type ManualPort, type ManualRequest } from '../../recovery/manual-action.js';
import type { PluginManager } from '../../core/manager.js';
import type { KsaConfig } from '../../config/schema.js';
import type { Runtime } from '../runtime.js';

export interface WatchFlags {
  config?: string;
  target?: string[];
  stateDir?: string;
  once?: boolean;
  watchConfig?: boolean;
  output: string;
  grace: string;
  failOn?: string;
  /** Self-health events every this long. */
  healthEvery: string;
  /** Recovery rules run their actions (else dry-run unless recovery.mode: enforce). */
  enforce?: boolean;
}

const OUTPUTS = ['auto', 'table', 'json', 'none'] as const;
/** After the grace period, what is left (sessions, hosts, files) gets this long before exit. */
const CLOSE_MS = 1500;

/** Returns the exit code: the gate's with --once, 0 after a signal. */
export async function runWatch(rt: Runtime, flags: WatchFlags, version: string, extras: WatchExtras = {}): Promise<number> {
  const file = findConfigFile(flags.config, process.env, process.cwd());
  if (!file) throw ksaError('KSA_ERR_BAD_INPUT', 'ksa watch needs a ksa.yaml: none given and none found', { fix: 'pass --config ksa.yaml (ksa config example writes one)' });
  if (!(OUTPUTS as readonly string[]).includes(flags.output)) throw ksaError('KSA_ERR_BAD_INPUT', `--output ${JSON.stringify(flags.output)} is not one of ${OUTPUTS.join(', ')}`, { fix: 'use --output json (one JSON line per event) or table' });
  const graceMs = parseDuration(flags.grace, '--grace');
  if (!flags.once) {
    leaveSignalsToCaller();
    boundHeapGrowth();
  }
  const healthEveryMs = parseDuration(flags.healthEvery, '--health-every');
  const only = flags.target ?? [];
  let config = loadConfig(file, process.env, readConfigText(file));
  let manager = await watchManager(rt, config, file);
  const failOn = () => (flags.failOn ? parseFailOn(flags.failOn) : config.defaults.failOn ?? 'warning');
  let sinkRef: WatchSink | undefined;
  const build = (c: KsaConfig, m: PluginManager) => {
    const all = watchTargets(c, file, m, process.env, only);
    const targets = extras.keep && sinkRef ? all.filter((t) => extras.keep!(t, { sink: sinkRef! })) : all;
    for (const t of targets) for (const s of targetSecrets(t.request.target, m.registry.require(t.request.pluginId).manifest)) rt.logger.addSecret(s);
    return targets;
  };
  let targets = build(config, manager);
  const notifyFor = (c: KsaConfig, m: PluginManager): NotifySetup | null => {
    const setup = notifySetup(c, file, m, process.env);
    for (const r of setup?.receivers.values() ?? []) for (const s of r.secrets) rt.logger.addSecret(s);
    return setup;
  };
  const notifyConfig = notifyFor(config, manager);
  const sink: WatchSink = await openWatchSink({ stateDir: flags.stateDir, logger: rt.logger, secrets: () => rt.logger.secrets(), version, configFile: file, targets, once: flags.once === true, ...(config.watch?.audit ? { auditRotation: config.watch.audit } : {}) });
  sinkRef = sink;
  // What stays out of this process can depend on the state dir (plugins disabled through ksa serve).
  if (extras.keep) targets = build(config, manager);
  const watcher = new Watcher(manager, { concurrency: config.defaults.concurrency, failOn: failOn(), healthWindowMs: Math.max(60_000, healthEveryMs), sink });
  // Before the first event: the engine is a durable subscriber (docs/RECOVERY.md). --once has no time to recover.
  let recovery: WatchRecovery | undefined;
  if (!flags.once && config.recovery) {
    try {
      recovery = await startWatchRecovery({ config, manager, targets, sink, enforce: flags.enforce === true, logger: rt.logger, secrets: () => rt.logger.secrets() });
    } catch (error) {
      await closeAll(watcher, sink, 'error', CLOSE_MS);
      throw error;
    }
  } else if (!flags.once) {
    // Recovery was configured before and is not now: its undelivered events must not pile up for it.
    await sink.forget(RECOVERY_SUBSCRIBER);
  }
  await watcher.apply(targets);

  if (flags.once) {
    const results = await watcher.runOnce();
    await closeAll(watcher, sink, 'once', CLOSE_MS);
    return buildReport(results, failOn()).exitCode;
  }

  const json = flags.output === 'json' || (flags.output === 'auto' && process.stdout.isTTY !== true);
  const view = flags.output === 'none' ? { stop: () => undefined } : createWatchView({ json, color: rt.color, watcher, sink });
  // Notifications (docs/NOTIFY.md): not with --once, which exits before any group window closes.
  let notify: NotifyService | undefined = notifyConfig ? startNotify(notifyConfig, sink, manager, rt.logger) : undefined;
  await sink.started(targets.length);
  watcher.start();

  let reloading: Promise<void> = Promise.resolve();
  const reload = (why: string, options: { freshPlugins?: boolean } = {}): Promise<void> => {
    reloading = reloading.then(async () => {
      let next: { config: KsaConfig; manager: PluginManager; targets: WatchTarget[]; notify: NotifySetup | null };
      try {
        const c = loadConfig(file, process.env, readConfigText(file));
        const pluginsChanged = options.freshPlugins === true || JSON.stringify(c.plugins) !== JSON.stringify(config.plugins);
        const m = pluginsChanged ? await watchManager(rt, c, file) : manager;
        next = { config: c, manager: m, targets: build(c, m), notify: notifyFor(c, m) };
        recoveryActions(c, m); // a bad recovery rule refuses the reload
        if (c.recovery && !recovery) throw ksaError('KSA_ERR_BAD_INPUT', 'recovery: was added to a running watcher', { fix: 'restart ksa watch to start the recovery engine' });
      } catch (error) {
        const reason = toErrorInfo(error);
        rt.logger.error(`config reload (${why}) refused, the running config stays: ${reason.code} ${reason.message.split('\n')[0]}`);
        await sink.reload({ outcome: 'refused', file, reason: `${reason.code} ${reason.message}`.slice(0, 1000) });
        return;
      }
      const diff = await watcher.apply(next.targets, next.manager);
      recovery?.apply(next.config, next.manager, next.targets);
      if (diff.retired) void diff.retired.close();
      config = next.config;
      manager = next.manager;
      if (notify) notify.reconfigure(next.notify, manager);
      else if (next.notify) notify = startNotify(next.notify, sink, manager, rt.logger);
      targets = next.targets;
      rt.logger.info(`config reloaded (${why}): ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`);
      await sink.reload({ outcome: 'accepted', file, added: diff.added.map((t) => t.name), removed: diff.removed, changed: diff.changed.map((t) => t.name) });
    });
    return reloading;
  };
  let fileWatcher: FSWatcher | undefined;
  if (flags.watchConfig) fileWatcher = watchConfigFile(file, () => reload('file changed'));
  const healthTimer = setInterval(() => { void sink.health(watcher.selfHealth()); }, healthEveryMs);
  let sinkPort: ManualPort | undefined;
  const runManual = (a: ManualRequest) => (recovery ? recovery.engine.runManual(a) : recordManualAction(sinkPort ??= sinkManualPort(sink), a));
  const face = extras.attach ? await extras.attach({ file, watcher, sink, config: () => config, targets: () => targets, reload, runManual, notifyQueue: () => notify?.queueDepth() ?? {} }) : undefined;

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGHUP', () => reload('SIGHUP'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  rt.logger.info(`${signal}: finishing the cycles in flight (grace ${graceMs} ms)`);
  await face?.close().catch(() => undefined);
  clearInterval(healthTimer);
  fileWatcher?.close();
  await reloading;
  notify?.stop();
  const settled = await watcher.stop(graceMs);
  // An action still running past the grace is found interrupted (and verified) at the next start.
  await recovery?.stop(graceMs);
  if (!settled) rt.logger.warn(`${signal}: cycles still running after the ${graceMs} ms grace period were abandoned`);
  // The output goes last: the `stopped` event is printed too.
  await closeAll(watcher, sink, signal, CLOSE_MS);
  view.stop();
  return 0;
}

/** Watch keeps hosts up across cycles: one whose host keeps dying waits, growing, before a restart. */
async function watchManager(rt: Runtime, config: KsaConfig, file: string): Promise<PluginManager> {
  const m = await managerForConfig(rt, config, file);
  m.enableHostRestartBackoff({ baseMs: 1000, maxMs: 60_000 });
  return m;
}

/** Flush state and logs, close sessions and hosts: bounded, so a stuck close cannot hold the exit. */
async function closeAll(watcher: Watcher, sink: WatchSink, reason: string, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    await watcher.stop(0);
    await sink.stopped(reason);
    await watcher.pluginManager.close(500);
  })();
  await Promise.race([work.catch(() => undefined), new Promise<void>((r) => { timer = setTimeout(r, limitMs); })]);
  clearTimeout(timer);
}

/** Editors replace files (rename) as often as they write them: watch the directory's entry. */
function watchConfigFile(file: string, changed: () => void): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  const { dirname, basename } = { dirname: file.slice(0, file.lastIndexOf('/')) || '.', basename: file.slice(file.lastIndexOf('/') + 1) };
  return watchFile(dirname, (_event, name) => {
    if (name !== basename) return;
    clearTimeout(timer);
    timer = setTimeout(changed, 200); // one reload for a burst of writes
  });
}
