// `ksa schema [report|plugins|health|snapshot|events|notification]`: JSON Schema of ksa's machine-readable outputs
// (snapshot: the whole file --save-snapshot writes, not one snapshot in it; events: one event of
// `ksa watch`, a line of its JSON output and of the audit log; notification: what a notifier plugin
// gets, also the webhook notifier's JSON body).
import { z } from 'zod';
import { ksaError } from '../../core/errors.js';
import { HealthReportSchema, PluginListingSchema, ReportSchema, SnapshotFileSchema } from '../../core/schemas.js';
import { WatchEventSchema } from '../../watch/events.js';
import { NotificationSchema } from '../../notify/notification.js';

const SCHEMAS: Record<string, z.ZodType> = {
  report: ReportSchema,
  plugins: PluginListingSchema,
  health: HealthReportSchema,
  snapshot: SnapshotFileSchema,
  events: WatchEventSchema,
  notification: NotificationSchema,
};
/** The kinds `ksa schema` prints (also offered by shell completion). */
export const SCHEMA_KINDS = Object.keys(SCHEMAS);

export function jsonSchemaOf(kind: string): Record<string, unknown> {
  const schema = SCHEMAS[kind];
  if (!schema) throw ksaError('KSA_ERR_BAD_INPUT', `unknown schema ${JSON.stringify(kind)}`, { fix: `use one of ${Object.keys(SCHEMAS).join(', ')}` });
  return { $id: `https://kubestack.ai/ksa/schemas/${kind}-v1.json`, title: `ksa ${kind} (schemaVersion 1)`, ...z.toJSONSchema(schema, { io: 'output' }) };
}

export function runSchema(kind: string): string {
  return `${JSON.stringify(jsonSchemaOf(kind), null, 2)}\n`;
}
