// Runs many diagnoses concurrently with a bound; results come back in target order.
import type { DiagnoseRequest, PluginManager } from '../core/manager.js';
import type { DiagnosticResult, Snapshot } from '../core/types.js';

export interface FleetProgress {
  done: number;
  total: number;
  running: readonly string[];
}

export interface FleetOutcome {
  results: DiagnosticResult[];
  /** Aligned with results: undefined where no snapshot was collected (unreachable, timeout). */
  snapshots: Array<Snapshot | undefined>;
}

export async function runTargets(
  manager: PluginManager,
  requests: readonly DiagnoseRequest[],
  concurrency: number,
  onProgress?: (p: FleetProgress) => void,
): Promise<FleetOutcome> {
  const results: DiagnosticResult[] = new Array(requests.length);
  const snapshots: Array<Snapshot | undefined> = new Array(requests.length);
  const running = new Set<string>();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      const req = requests[i]!;
      running.add(req.target.name);
      onProgress?.({ done, total: requests.length, running: [...running] });
      const out = await manager.diagnose(req);
      results[i] = out.result;
      snapshots[i] = out.snapshot;
      running.delete(req.target.name);
      done++;
      onProgress?.({ done, total: requests.length, running: [...running] });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  return { results, snapshots };
}
