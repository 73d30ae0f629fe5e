// `${NAME}` in any string value of ksa.yaml is replaced by the environment variable; `$${` is a
// literal `${`. A missing variable is an error naming where it was used. With `onError`, every
// bad reference is reported (for `ksa config validate`) and left as written instead of thrown.
import { ksaError, type KsaError } from '../core/errors.js';
import { formatPath } from '../core/zod-issues.js';

export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, file: string, path: Array<string | number> = [], onError?: (error: KsaError) => void): unknown {
  const fail = (error: KsaError, whole: string): string => {
    if (!onError) throw error;
    onError(error);
    return whole;
  };
  if (typeof value === 'string') {
    return value.replace(/\$(\$?)\{([^}]*)\}/g, (whole, escape: string, name: string) => {
      if (escape) return whole.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return fail(ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${formatPath(path)}: \${${name}} is not a valid variable reference`, { fix: 'write ${NAME} with letters, digits and _' }), whole);
      const v = env[name];
      if (v === undefined) return fail(ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${formatPath(path)}: environment variable ${name} is not set`, { fix: `export ${name} or remove the reference` }), whole);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, file, [...path, i], onError));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, file, [...path, k], onError)]));
  }
  return value;
}
