// What `ksa action` was asked to act on: a target given on the command line
// (`<type> <action> <endpoint...>`) or a ksa.yaml target by name (`--target <name> <action>`,
// credentials, options and type from the file). Pure: the two forms and their mistakes are told
// apart here, before any plugin or file is read.
import { ksaError } from '../core/errors.js';

export type ActionArgs =
  | { form: 'endpoints'; type: string; action: string; endpoints: string[] }
  | { form: 'config'; target: string; action: string };

export interface ActionArgFlags {
  target?: string;
  /** Connection flags (-u, --password-file, --password-env, --option, a plugin's flags) given on argv. */
  connectionFlags: readonly string[];
}

const CONFIG_FORM = 'ksa action --config ksa.yaml --target <name> <action>';
const ENDPOINT_FORM = 'ksa action <type> <action> <endpoint...>';

export function parseActionArgs(positionals: readonly string[], flags: ActionArgFlags): ActionArgs {
  if (flags.target !== undefined) {
    if (flags.target === '') throw ksaError('KSA_ERR_BAD_INPUT', '--target is empty', { fix: `name a ksa.yaml target: ${CONFIG_FORM}` });
    if (positionals.length === 0) throw ksaError('KSA_ERR_BAD_INPUT', `--target ${flags.target} names no action`, { fix: `write ${CONFIG_FORM} (ksa plugin info <type> lists the actions)` });
    if (positionals.length > 1) {
      throw ksaError('KSA_ERR_BAD_INPUT', `--target takes the type and endpoints from ksa.yaml, but ${JSON.stringify(positionals.join(' ').slice(0, 80))} was given too`, { fix: `give only the action (${CONFIG_FORM}), or drop --target and --config (${ENDPOINT_FORM})` });
    }
    const given = flags.connectionFlags[0];
    if (given) throw ksaError('KSA_ERR_BAD_INPUT', `${given} applies to a target given on the command line, not to a ksa.yaml target`, { fix: 'set it in the target in ksa.yaml (auth:, options:), or use the endpoint form without --target' });
    return { form: 'config', target: flags.target, action: positionals[0]! };
  }
  const [type, action, ...endpoints] = positionals;
  if (type === undefined || action === undefined || endpoints.length === 0) {
    throw ksaError('KSA_ERR_BAD_INPUT', `ksa action needs ${['<type>', '<action>', '<endpoint...>'].slice(positionals.length).join(' ')}`, { fix: `write ${ENDPOINT_FORM}, or ${CONFIG_FORM}` });
  }
  return { form: 'endpoints', type, action, endpoints };
}
