// What `ksa explain` and docs/checks/*.md say about a check: the manifest's documentation of it
// (description, why, fix, upstream URL) joined with the thresholds its plugin's code declares
// (defaults, unit, source). One model, so the command and the generated pages cannot disagree.
import { closestName } from '../core/closest-name.js';
import { ksaError } from '../core/errors.js';
import { SCHEMA_VERSION } from '../core/versions.js';
import type { Manifest, ThresholdDefault } from '../core/types.js';

export interface ThresholdExplanation extends ThresholdDefault {
  /** The first https URL of the source text: the upstream section the default follows. */
  url?: string;
}

export interface CheckExplanation {
  id: string;
  plugin: string;
  category: string;
  description?: string;
  why?: string;
  fix?: string;
  /** The upstream section the check's verdict follows. */
  url?: string;
  /** Thresholds judged by this check (its id or `<id>.<suffix>`); empty: fixed-severity (state) findings only. */
  thresholds: ThresholdExplanation[];
  /** Why the thresholds could not be read (an external plugin's code is not run without --load). */
  thresholdsUnavailable?: string;
  /** The finding id asked for, when it was not the check id itself. */
  asked?: string;
}

export interface Explanations {
  schemaVersion: number;
  checks: CheckExplanation[];
}

/** A check to explain: its plugin's manifest, the check id and what the user typed. */
export interface ResolvedCheck {
  manifest: Manifest;
  check: string;
  asked: string;
}

/**
 * Each argument is a check id, a finding id `<check id>.<suffix>` (the longest check id that is
 * its prefix), or a plugin id / middleware type (every check of that plugin, in manifest order).
 */
export function resolveCheckIds(manifests: readonly Manifest[], asked: readonly string[]): ResolvedCheck[] {
  const out: ResolvedCheck[] = [];
  for (const name of asked) {
    const plugin = manifests.find((m) => m.id === name || m.middleware === name);
    if (plugin) {
      out.push(...plugin.checks.map((check) => ({ manifest: plugin, check, asked: check })));
      continue;
    }
    const owner = ownerOf(manifests, name);
    if (!owner) throw unknownId(manifests, name);
    out.push({ ...owner, asked: name });
  }
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(`${r.check}\u0000${r.asked}`) && seen.add(`${r.check}\u0000${r.asked}`));
}

function ownerOf(manifests: readonly Manifest[], id: string): { manifest: Manifest; check: string } | undefined {
  let best: { manifest: Manifest; check: string } | undefined;
  for (const manifest of manifests) {
    for (const check of manifest.checks) {
      if ((id === check || id.startsWith(`${check}.`)) && (!best || check.length > best.check.length)) best = { manifest, check };
    }
  }
  return best;
}

function unknownId(manifests: readonly Manifest[], name: string) {
  // Check ids first: a type name is a prefix of every misspelt check id and would always win.
  const near = closestName(name, manifests.flatMap((m) => [...m.checks, ...(m.thresholds ?? [])]))
    ?? closestName(name, manifests.flatMap((m) => [m.id, ...(m.middleware ? [m.middleware] : [])]));
  return ksaError('KSA_ERR_BAD_INPUT', `${JSON.stringify(name)} is no check or finding id of a loaded plugin${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`, {
    fix: 'run `ksa plugin info <type>` for the check ids, or `ksa explain <type>` for every check of a plugin',
  });
}

/** The first https URL in a threshold source, without trailing punctuation. */
export function urlInSource(source: string): string | undefined {
  return /https:\/\/[^\s)]+/.exec(source)?.[0].replace(/[.,;:]+$/, '');
}

/** The explanation of one check, given its plugin's declared thresholds (or why they are unavailable). */
export function explainCheck(r: ResolvedCheck, thresholds: readonly ThresholdDefault[] | { unavailable: string }): CheckExplanation {
  const doc = r.manifest.checkDocs?.[r.check];
  const own = 'unavailable' in thresholds ? [] : thresholds.filter((t) => ownerOf([r.manifest], t.id)?.check === r.check);
  return {
    id: r.check,
    plugin: r.manifest.id,
    category: r.check.split('.')[1] ?? '',
    ...(doc ? { description: doc.description, why: doc.why, fix: doc.fix, url: doc.url } : {}),
    thresholds: own.map((t) => {
      const url = urlInSource(t.source);
      return { ...t, ...(url ? { url } : {}) };
    }),
    ...('unavailable' in thresholds ? { thresholdsUnavailable: thresholds.unavailable } : {}),
    ...(r.asked !== r.check ? { asked: r.asked } : {}),
  };
}

export function explanations(checks: CheckExplanation[]): Explanations {
  return { schemaVersion: SCHEMA_VERSION, checks };
}
