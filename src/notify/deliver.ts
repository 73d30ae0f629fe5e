// One delivery attempt through the receiver's notifier plugin, in its isolated host under the
// receiver's timeout. Whatever happens comes back as an outcome, never a throw: a host that timed
// out, crashed or was killed is `retry`; an answer that breaks the contract is `failed` (retrying
// the same plugin would not fix it). Details are redacted with the receiver's secrets.
import { redactSecrets } from '../core/redact.js';
import { firstIssue } from '../core/zod-issues.js';
import type { PluginManager } from '../core/manager.js';
import { DeliveryOutcomeSchema, type DeliveryOutcome, type Notification } from './notification.js';

export interface ResolvedReceiver {
  name: string;
  plugin: string;
  /** The checked config (secret options included: it goes to the plugin only). */
  config: Record<string, unknown>;
  timeoutMs: number;
  /** Values never shown: the receiver's secret options. */
  secrets: readonly string[];
}

export async function attemptDelivery(manager: PluginManager, receiver: ResolvedReceiver, notification: Notification): Promise<DeliveryOutcome> {
  const redact = (text: string) => redactSecrets(text, receiver.secrets).slice(0, 1000);
  let outcome;
  try {
    outcome = await manager.notify(receiver.plugin, { notification, receiver: receiver.name, config: receiver.config, timeoutMs: receiver.timeoutMs }, Date.now() + receiver.timeoutMs);
  } catch (error) {
    return { outcome: 'failed', detail: redact((error as Error).message) };
  }
  if (!outcome.ok) return { outcome: 'retry', detail: redact(`${outcome.error?.code ?? 'KSA_ERR_PLUGIN_CRASH'}: ${outcome.error?.message ?? 'the notifier failed'}`) };
  const parsed = DeliveryOutcomeSchema.safeParse(outcome.value);
  if (!parsed.success) return { outcome: 'failed', detail: redact(`KSA_ERR_PLUGIN_INVALID: notifier ${receiver.plugin} answered an invalid outcome (${firstIssue(parsed.error)})`) };
  return { ...parsed.data, detail: redact(parsed.data.detail), ...(parsed.data.receiverId ? { receiverId: redact(parsed.data.receiverId) } : {}) };
}
