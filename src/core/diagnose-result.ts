// The checked result of a plugin's diagnosis (one-shot or a kept session's cycle): the host's
// reply parsed once and validated against the result schema, completed with the manifest's checks
// and ksa's own timing. Any failure (the call's, or an invalid reply) becomes the unknown result
// carrying its error, secrets redacted: plugin failures never throw out of a diagnosis.
import { ksaError, toErrorInfo } from './errors.js';
import { firstIssue } from './zod-issues.js';
import { unknownResult } from './unknown-result.js';
import { withManifestChecks } from './manifest-checks.js';
import { redactSecrets } from './redact.js';
import { targetSecrets } from './plugin-options.js';
import type { CallOutcome } from './isolation/remote-host.js';
import type { DiagnoseOutcome, DiagnoseReply } from './isolation/protocol.js';
import type { DiagnoseRequest } from './manager.js';
import type { DiagnosticResult, ErrorInfo, Manifest, Snapshot } from './types.js';

type ResultSchema = typeof import('./schemas.js')['DiagnosticResultSchema'];

export function checkedResult(
  manifest: Manifest, req: DiagnoseRequest, outcome: CallOutcome<DiagnoseReply>, startedAt: number, schema: ResultSchema,
): { result: DiagnosticResult; snapshot?: Snapshot } {
  const plugin = { id: manifest.id, version: manifest.version };
  const categories = req.opts.categories.length > 0 ? req.opts.categories : manifest.categories;
  const fail = (error: ErrorInfo) => {
    const result = unknownResult(plugin, req.target, redactError(error, targetSecrets(req.target, manifest)), startedAt, categories);
    return { result: { ...result, categories: withManifestChecks(result.categories, manifest) } };
  };
  if (!outcome.ok) return fail(outcome.error ?? toErrorInfo(undefined));
  const invalid = (why: string) => fail(ksaError('KSA_ERR_PLUGIN_INVALID', `plugin ${plugin.id} returned an invalid result (${why})`).toInfo());
  let reply: Partial<DiagnoseOutcome> | undefined;
  try {
    reply = JSON.parse(outcome.value?.json ?? 'null') as Partial<DiagnoseOutcome> | undefined;
  } catch (error) {
    return invalid(`not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(reply?.result);
  if (!parsed.success) return invalid(firstIssue(parsed.error));
  const result = parsed.data;
  result.categories = withManifestChecks(result.categories, manifest);
  result.durationMs = Date.now() - startedAt;
  result.startedAt = new Date(startedAt).toISOString();
  const snapshot = reply?.snapshot;
  return snapshot ? { result, snapshot } : { result };
}

function redactError(error: ErrorInfo, secrets: readonly string[]): ErrorInfo {
  return secrets.length === 0 ? error : { ...error, message: redactSecrets(error.message, secrets) };
}
