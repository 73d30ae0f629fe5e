// examples/deploy/kubernetes validated offline (no cluster): every document against the Kubernetes and
// prometheus-operator schemas (the kubernetes-models packages: JSON Schemas generated from the
// OpenAPI of Kubernetes and the operator's CRDs), plus what holds them together: the StatefulSet's
// --shard matches its replicas and uses the pod's ordinal, the ServiceMonitor selects the Service's
// port and names the job ksa, the PrometheusRule is examples/deploy/prometheus/ksa-rules.yml, and the
// ConfigMap's ksa.yaml is a valid ksa.yaml for ksa serve.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ConfigSchema } from '../../../src/config/schema.js';
import { repoRoot } from '../../support/services.js';

const dir = join(repoRoot, 'examples/deploy/kubernetes');
type Doc = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: any };
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'v1/Service': Service, 'apps/v1/StatefulSet': StatefulSet,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor, 'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};
const docs: Doc[] = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Doc));
const one = (kind: string) => docs.find((d) => d.kind === kind)!;

describe('examples/deploy/kubernetes', () => {
  it('has the StatefulSet, Service, ServiceMonitor, PrometheusRule, ConfigMap and Secret', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'PrometheusRule', 'Secret', 'Service', 'ServiceMonitor', 'StatefulSet']);
  });

  it.each(docs.map((d) => [`${d.kind} ${d.metadata.name}`, d] as const))('%s is valid against its schema', (_name, doc) => {
    const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
    expect(Model, `${doc.apiVersion} ${doc.kind}`).toBeDefined();
    expect(() => new Model!(doc).validate()).not.toThrow();
  });

  it('the schema check is real: a StatefulSet without its selector, a ServiceMonitor with a numeric port, are refused', () => {
    const { selector: _s, ...noSelector } = one('StatefulSet').spec;
    expect(() => new StatefulSet({ ...one('StatefulSet'), spec: noSelector } as any).validate()).toThrow();
    expect(() => new ServiceMonitor({ ...one('ServiceMonitor'), spec: { ...one('ServiceMonitor').spec, endpoints: [{ port: 9469 }] } } as any).validate()).toThrow();
  });

  it("the StatefulSet's shard is the pod ordinal over its replicas; probes hit /healthz and /readyz", () => {
    const sts = one('StatefulSet');
    const container = sts.spec.template.spec.containers[0];
    const args: string[] = container.args;
    expect(args[args.indexOf('--shard') + 1]).toBe(`$(KSA_SHARD)/${sts.spec.replicas}`);
    expect(container.env.find((e: any) => e.name === 'KSA_SHARD').valueFrom.fieldRef.fieldPath).toBe("metadata.labels['apps.kubernetes.io/pod-index']");
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(sts.spec.serviceName).toBe(one('Service').metadata.name);
  });

  it('the ServiceMonitor scrapes the Service port by name and names the job ksa (the rules expect job="ksa")', () => {
    const sm = one('ServiceMonitor');
    const svc = one('Service');
    expect(sm.spec.selector.matchLabels).toEqual(svc.metadata.labels);
    expect(svc.spec.ports.map((p: any) => p.name)).toContain(sm.spec.endpoints[0].port);
    expect(svc.metadata.labels![sm.spec.jobLabel]).toBe('ksa');
  });

  it('the PrometheusRule is examples/deploy/prometheus/ksa-rules.yml', () => {
    expect(one('PrometheusRule').spec).toEqual(parse(readFileSync(join(repoRoot, 'examples/deploy/prometheus/ksa-rules.yml'), 'utf8')));
  });

  it("the ConfigMap's ksa.yaml is a valid ksa.yaml, listening on all interfaces of the pod, its secrets from the mounted Secret", () => {
    const config = ConfigSchema.parse(parse(one('ConfigMap').data['ksa.yaml']));
    expect(config.serve?.listen).toBe('0.0.0.0:9469');
    const secretKeys = Object.keys(one('Secret').stringData);
    for (const t of config.targets) expect(secretKeys).toContain(t.auth!.passwordFile!.replace('/etc/ksa/secrets/', ''));
  });
});
