// `ksa action <type> <action> <endpoint...>`: runs a plugin's declared action. A mutating action
// is refused without --allow-write before anything is sent to the target. With --state-dir (or
// KSA_STATE_DIR) it goes through the recovery engine's path: gated, snapshotted, audited and in
// `ksa recovery history` (src/recovery/manual-action.ts).
import { ksaError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import { buildTarget, type TargetFlags } from '../target-from-args.js';
import { targetSecrets } from '../../core/plugin-options.js';
import { admitAction } from '../../core/action-policy.js';
import { runManualAction } from '../../recovery/manual-action.js';
import type { Runtime } from '../runtime.js';

export async function runAction(rt: Runtime, type: string, action: string, endpoints: string[], flags: TargetFlags & { allowWrite?: boolean; param?: string[]; timeout: string; json?: boolean; stateDir?: string }): Promise<{ text: string; ok: boolean }> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const params: Record<string, string> = {};
  for (const kv of flags.param ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw ksaError('KSA_ERR_BAD_INPUT', `--param ${JSON.stringify(kv)} is not key=value`, { fix: 'write --param key=value' });
    params[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const manager = await rt.manager();
  const entry = manager.pluginForType(type);
  const { target, warnings } = buildTarget(type, endpoints, flags, entry.manifest, process.env);
  for (const s of targetSecrets(target, entry.manifest)) rt.logger.addSecret(s);
  for (const w of warnings) rt.logger.warn(w);
  try {
    const stateDir = flags.stateDir ?? process.env.KSA_STATE_DIR;
    const outcome = stateDir
      ? await runManualAction({ stateDir, manager, pluginId: entry.manifest.id, spec: admitAction(entry.manifest, action, flags.allowWrite === true), target, params, timeoutMs, logger: rt.logger, secrets: () => rt.logger.secrets() })
      : await manager.execute(entry.manifest.id, target, action, params, flags.allowWrite === true, timeoutMs);
    return { text: flags.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${outcome.ok ? 'ok' : 'failed'}: ${outcome.detail}\n`, ok: outcome.ok };
  } finally {
    void manager.close();
  }
}
