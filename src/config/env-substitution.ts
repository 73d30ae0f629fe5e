// `${NAME}` in any string value of ksa.yaml is replaced by the environment variable; `$${` is a
// literal `${`. A missing variable is an error naming where it was used.
import { ksaError } from '../core/errors.js';
import { formatPath } from '../core/zod-issues.js';

export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, file: string, path: Array<string | number> = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$(\$?)\{([^}]*)\}/g, (whole, escape: string, name: string) => {
      if (escape) return whole.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${formatPath(path)}: \${${name}} is not a valid variable reference`, { fix: 'write ${NAME} with letters, digits and _' });
      const v = env[name];
      if (v === undefined) throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${formatPath(path)}: environment variable ${name} is not set`, { fix: `export ${name} or remove the reference` });
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, file, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, file, [...path, k])]));
  }
  return value;
}
