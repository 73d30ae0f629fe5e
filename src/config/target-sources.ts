// `also:` of a ksa.yaml target, expanded: each source becomes a target of its own, right after its
// parent, named `<parent>/<type>` (`-2`, `-3` for a second source of one type), in the parent's
// group, with the parent's labels and watch policy. Everything downstream (diagnose, watch,
// serve, notifications) then sees plain targets; the group is what the report shows them under.
import type { TargetConfig } from './schema.js';

export function expandSources(targets: readonly TargetConfig[]): TargetConfig[] {
  return targets.flatMap((t) => {
    if (!t.also || t.also.length === 0) return [t];
    const { also, ...parent } = t;
    const group = t.group ?? t.name;
    const inherited = {
      ...(t.labels ? { labels: t.labels } : {}),
      ...(t.interval ? { interval: t.interval } : {}),
      ...(t.for !== undefined ? { for: t.for } : {}),
      ...(t.hysteresis !== undefined ? { hysteresis: t.hysteresis } : {}),
    };
    const seen = new Map<string, number>();
    const sources = also.map((source): TargetConfig => {
      const n = (seen.get(source.type) ?? 0) + 1;
      seen.set(source.type, n);
      return { ...inherited, ...source, name: `${t.name}/${source.type}${n > 1 ? `-${n}` : ''}`, group };
    });
    return [{ ...parent, group }, ...sources];
  });
}
