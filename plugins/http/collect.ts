// Every declared check against every endpoint, concurrently, each one GET bounded by the deadline.
// A transport failure of one check is data (a critical status finding); when every GET failed the
// same way, the target is unreachable and the call fails with that coded error (unknown).
import { httpGet, KsaError } from '../../src/sdk/index.js';
import type { CollectOutput, PluginContext } from '../../src/sdk/index.js';
import { assertsContent, declaredChecks, type HttpCheckSpec } from './check-spec.js';
import type { HttpConnection } from './connect.js';
import { extractContent } from './extract.js';
import { jolokiaReadPath } from './jolokia.js';
import type { HttpProbe, HttpSnapshot } from './snapshot.js';

export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

export async function collectHttp(ctx: PluginContext, conn: HttpConnection): Promise<CollectOutput<HttpSnapshot>> {
  const options = conn.target.options;
  const checks = declaredChecks(options.checks);
  const maxResponseBytes = typeof options.maxResponseBytes === 'number' ? options.maxResponseBytes : DEFAULT_MAX_BODY_BYTES;
  const maxRedirects = typeof options.maxRedirects === 'number' ? options.maxRedirects : 5;
  const jolokia = typeof options.jolokiaPath === 'string' ? options.jolokiaPath : '/jolokia';
  const failures: KsaError[] = [];
  const probes = await Promise.all(conn.bases.flatMap((base) => checks.map(async (check): Promise<HttpProbe> => {
    const path = relativePath(check, jolokia);
    const url = path === '' ? base : new URL(path.replace(/^\//, ''), withSlash(base));
    const probe: HttpProbe = { endpoint: base.origin, check, url: url.toString(), answer: null, error: null, content: null, jolokia: null };
    try {
      const answer = await httpGet(url.toString(), { deadline: ctx.deadline, signal: ctx.signal, guard: conn.guard, headers: conn.headers, redirectLimit: maxRedirects, bodyLimitBytes: maxResponseBytes, tls: conn.tls });
      probe.answer = {
        status: answer.status, latencyMs: answer.latencyMs, finalUrl: answer.url, redirects: answer.redirects,
        contentType: answer.contentType ?? null, bodyBytes: answer.bodyBytes, truncated: answer.truncated,
      };
      if (assertsContent(check)) {
        if (answer.truncated) probe.content = { kind: 'too-large', limit: maxResponseBytes };
        else Object.assign(probe, extractContent(check, answer.body));
      }
    } catch (e) {
      // A refused operation or an abort is the call's failure, not the check's.
      if (!(e instanceof KsaError) || e.code === 'KSA_ERR_OPERATION_DENIED' || ctx.signal.aborted) throw e;
      failures.push(e);
      probe.error = { code: e.code, message: e.message };
    }
    return probe;
  })));
  if (failures.length === probes.length && failures.every((f) => f.code === failures[0]!.code)) throw failures[0]!;
  return { data: { maxResponseBytes, probes } };
}

function relativePath(check: HttpCheckSpec, jolokia: string): string {
  if (check.mbean !== undefined) return jolokiaReadPath(jolokia, check.mbean, check.attribute);
  return check.path ?? '';
}

/** A base with a path prefix (`http://h/api`) keeps its prefix: `/status` becomes `/api/status`. */
function withSlash(base: URL): URL {
  const u = new URL(base);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}
