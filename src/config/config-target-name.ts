// A ksa.yaml target named by --target (ksa diagnose, ksa watch, ksa action): one refusal for a
// name that is not in the file, with a did-you-mean and the names there are.
import { ksaError } from '../core/errors.js';
import { closestName } from '../core/closest-name.js';

/** The ksa.yaml target named by --target; an unknown name gets a did-you-mean. */
export function pickConfigTarget<T extends { name: string }>(targets: readonly T[], name: string, file: string): T {
  const found = targets.find((t) => t.name === name);
  if (found) return found;
  const names = targets.map((t) => t.name);
  const near = closestName(name, names);
  throw ksaError('KSA_ERR_BAD_INPUT', `--target ${JSON.stringify(name)} is not in ${file}${near ? ` (did you mean ${near}?)` : ''}`, {
    fix: names.length === 0 ? `add it under targets: in ${file}` : `use one of ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}`,
  });
}
