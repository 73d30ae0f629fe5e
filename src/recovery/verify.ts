// Did the action work? The target re-diagnosed after it: for a finding, success is the finding
// (same id, same node) no longer failing the gate; for an unreachable target, being diagnosable
// again. A target that cannot be diagnosed tells nothing about a finding: not resolved (yet).
import type { DiagnosticResult } from '../core/types.js';
import type { Episode } from './recovery-state.js';

export interface Verdict {
  firing: boolean;
  why: string;
  /** The finding's evidence now (the next attempt's parameters are rendered from it). */
  evidence?: Record<string, unknown>;
}

export function stillFiring(result: DiagnosticResult, ep: Pick<Episode, 'trigger' | 'finding'>): Verdict {
  if (ep.trigger === 'unreachable') {
    return result.status === 'unknown'
      ? { firing: true, why: `still cannot be diagnosed (${result.errors[0]?.code ?? 'unknown'})` }
      : { firing: false, why: 'the target can be diagnosed again' };
  }
  if (result.status === 'unknown') return { firing: true, why: `the target could not be re-diagnosed (${result.errors[0]?.code ?? 'unknown'})` };
  const f = result.findings.find((x) => x.id === ep.finding?.id && x.node === ep.finding?.node && x.severity !== 'info' && !x.baselined && !x.belowFailOn);
  return f ? { firing: true, why: `${f.id} still fires (${f.severity})`, evidence: f.evidence } : { firing: false, why: `${ep.finding?.id ?? 'the finding'} resolved` };
}
