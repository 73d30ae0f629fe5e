// content: the check's assertion on the body. A JSON path with warning/critical judges each value
// found as a number; with `equals` or `regex` each value must match; alone it must find
// something. A regex without a JSON path must match the body. Jolokia's in-body status is read too.
import { defineCheck, defineStateRule, defineThreshold } from '../../../src/sdk/index.js';
import type { CheckContext, Finding, ThresholdSpec } from '../../../src/sdk/index.js';
import type { HttpCheckSpec } from '../check-spec.js';
import type { HttpContent, HttpProbe, HttpSnapshot } from '../snapshot.js';

const ASSERTION = defineStateRule({
  id: 'http.content',
  source: 'the check declared in ksa.yaml (jsonPath / regex / equals); JSONPath as in RFC 9535 https://www.rfc-editor.org/rfc/rfc9535',
});
const JOLOKIA = defineStateRule({
  id: 'http.content.jolokia',
  source: 'Jolokia protocol: a request failed when the response status is not 200 https://jolokia.org/reference/html/manual/jolokia_protocol.html',
});

const content = defineCheck<HttpSnapshot>({
  id: 'http.content',
  category: 'content',
  run(data, ctx) {
    const asserting = data.probes.filter((p) => p.check.jsonPath !== undefined || p.check.regex !== undefined);
    if (asserting.length === 0) ctx.notApplicable('no check declares a jsonPath or regex assertion');
    return asserting.flatMap((p) => judgeProbe(p, ctx));
  },
});

function judgeProbe(p: HttpProbe, ctx: CheckContext): Array<Finding | null> {
  const id = `http.content.${p.check.id}`;
  const fail = (title: string, detail: string, suggestion: string, evidence: Record<string, unknown> = {}, threshold = ASSERTION) =>
    [ctx.finding({ id, severity: 'critical', threshold, node: p.endpoint, title: `${p.check.id}: ${title}`, detail, suggestion, evidence: { url: p.url, ...evidence } })];
  if (!p.content) return []; // no answer: the status check reports it
  return (CONTENT[p.content.kind] as (c: HttpContent, p: HttpProbe, ctx: CheckContext, fail: Fail) => Array<Finding | null>)(p.content, p, ctx, fail);
}

type Fail = (title: string, detail: string, suggestion: string, evidence?: Record<string, unknown>, threshold?: ThresholdSpec) => Finding[];

/** What each kind of extracted content says about the check. */
const CONTENT: { [K in HttpContent['kind']]: (c: Extract<HttpContent, { kind: K }>, p: HttpProbe, ctx: CheckContext, fail: Fail) => Array<Finding | null> } = {
  'too-large': (c, p, ctx) => {
    ctx.skip(`${p.check.id}: the body of ${p.url} is larger than maxResponseBytes (${c.limit}), so it was not read whole: raise option maxResponseBytes or point the check at a smaller document`);
    return [];
  },
  'bad-assertion': (c, p, ctx) => {
    ctx.skip(`${p.check.id}: its jsonPath or regex cannot be evaluated (${c.why}): fix the check in ksa.yaml`);
    return [];
  },
  'not-json': (c, p, _ctx, fail) => fail('answer is not JSON', `GET ${p.url} did not answer JSON (starts with ${JSON.stringify(c.excerpt.slice(0, 40))}), so ${p.check.jsonPath} cannot be read.`, 'Check the URL (a login page or a proxy error instead of the API?) or use a regex assertion.', { contentType: p.answer?.contentType }),
  text: (c, p, _ctx, fail) => (c.match !== null ? [] : fail('body does not match', `GET ${p.url}: the body does not match /${p.check.regex}/.`, 'Read the endpoint\'s answer: the service reports a state other than the expected one.', { regex: p.check.regex })),
  json: (c, p, ctx, fail) => {
    if (p.jolokia && p.jolokia.status !== 200) {
      return fail(`Jolokia status ${p.jolokia.status}`, `Jolokia could not read ${p.check.mbean}${p.check.attribute ? `/${p.check.attribute}` : ''}: ${p.jolokia.error ?? 'no error text'}.`, 'Check the MBean name and attribute (jolokia/list shows them) and that the agent may read it.', { jolokiaStatus: p.jolokia.status, error: p.jolokia.error }, JOLOKIA);
    }
    return judgeValues(p, c.values, ctx, fail);
  },
};

function judgeValues(p: HttpProbe, values: unknown[], ctx: CheckContext, fail: Fail): Array<Finding | null> {
  const c = p.check;
  if (values.length === 0) return fail('JSON path found nothing', `${c.jsonPath} matched nothing in the answer of GET ${p.url}.`, 'Check the path against the document (the API may have changed), or the service is not in the expected state.', { jsonPath: c.jsonPath });
  if (c.warning !== undefined || c.critical !== undefined) {
    const spec = numericSpec(c);
    return values.map((v) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) return fail('value is not a number', `${c.jsonPath} is ${JSON.stringify(v)}, not a number.`, 'Point the JSON path at a numeric field.', { jsonPath: c.jsonPath, value: v })[0]!;
      return ctx.judge(spec, n, {
        id: `http.content.${c.id}`, node: p.endpoint, evidence: { url: p.url, jsonPath: c.jsonPath },
        title: c.title ?? `${c.id}: ${c.jsonPath} out of range`,
        detail: `GET ${p.url}: ${c.jsonPath} = ${n}${c.unit ? ` ${c.unit}` : ''}.`,
        suggestion: 'The value is past the limit declared for this check in ksa.yaml: act on what it measures.',
      });
    });
  }
  const wrong = values.filter((v) => (c.equals !== undefined ? String(v) !== c.equals : c.regex !== undefined ? !new RegExp(c.regex).test(String(v)) : false));
  if (wrong.length === 0) return [];
  const expected = c.equals !== undefined ? `= ${JSON.stringify(c.equals)}` : `~ /${c.regex}/`;
  return fail(`${c.jsonPath} is ${JSON.stringify(wrong[0])}`, `GET ${p.url}: ${c.jsonPath} is ${wrong.map((v) => JSON.stringify(v)).slice(0, 5).join(', ')}, expected ${expected}.`, 'The service reports a state other than the expected one: read its status in full.', { jsonPath: c.jsonPath, values: wrong.slice(0, 5) });
}

/** The check's own limits, as a threshold (not an override key: the limits are already in ksa.yaml). */
function numericSpec(c: HttpCheckSpec) {
  return defineThreshold({
    id: `http.content.${c.id}`, warning: c.warning ?? null, critical: c.critical ?? null, direction: c.direction ?? 'above', unit: c.unit ?? '',
    source: c.source ?? `ksa.yaml check ${c.id}`,
  });
}

export const contentChecks = [content];
