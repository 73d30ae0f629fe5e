// Names derived from `ksa plugin new <name>`: the middleware type, the plugin id / npm package
// name and a display name.
import { ksaError } from '../core/errors.js';

export interface PluginNames {
  /** Middleware type (`ksa diagnose <middleware> ...`) and finding-id prefix. */
  middleware: string;
  /** Plugin id and npm package name. */
  id: string;
  /** Display name. */
  title: string;
}

/** The package id's suffix per scaffold type: memcached-diagnostics, pager-notifier. */
const SUFFIX: Record<'middleware' | 'notifier', string> = { middleware: 'diagnostics', notifier: 'notifier' };

export function namesOf(raw: string, type: 'middleware' | 'notifier' = 'middleware'): PluginNames {
  const middleware = raw.trim().toLowerCase().replace(new RegExp(`-${SUFFIX[type]}$`), '');
  if (!/^[a-z][a-z0-9-]*$/.test(middleware) || middleware.endsWith('-')) {
    throw ksaError('KSA_ERR_BAD_INPUT', `plugin name ${JSON.stringify(raw)} must be lowercase letters, digits and dashes, starting with a letter`, { fix: 'e.g. `ksa plugin new memcached`' });
  }
  const title = middleware.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  return { middleware, id: `${middleware}-${SUFFIX[type]}`, title };
}
