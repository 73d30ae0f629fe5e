// The one rule for running a plugin action, decided by the PluginManager from the manifest (what
// the operator can read with `ksa plugin info`) before any host starts or any connection opens:
// the same code and message whatever the isolation mode. Neither the host nor the sdk repeats it.
import { closestName } from './closest-name.js';
import { ksaError } from './errors.js';
import type { ActionSpec, Manifest } from './types.js';

/** The declared action, or a KSA_ERR_UNKNOWN_ACTION / KSA_ERR_WRITE_NOT_ALLOWED error to throw. */
export function admitAction(manifest: Pick<Manifest, 'id' | 'actions'>, action: string, allowWrite: boolean): ActionSpec {
  const spec = manifest.actions.find((a) => a.name === action);
  if (!spec) {
    const names = manifest.actions.map((a) => a.name);
    const near = closestName(action, names);
    throw ksaError('KSA_ERR_UNKNOWN_ACTION', `plugin ${manifest.id} has no action ${JSON.stringify(action)} (actions: ${names.join(', ') || 'none'})`, near ? { fix: `did you mean ${near}?` } : undefined);
  }
  if (spec.mutating && !allowWrite) throw ksaError('KSA_ERR_WRITE_NOT_ALLOWED', `action ${action} of ${manifest.id} writes to the target`);
  return spec;
}
