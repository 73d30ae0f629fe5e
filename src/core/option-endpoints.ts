// Options that stand for a target's endpoints when none is given, as the plugin's manifest
// declares them: a Unix socket path (`unixSocket: true`, endpoint unix:<path>) or a list of seed
// endpoints (`suppliesEndpoints: true`, e.g. Sentinels, which clients are configured with alone).
// One rule for the CLI and ksa.yaml, so neither names a middleware.
import { declaredOptions } from './plugin-options.js';
import type { Manifest } from './types.js';

export interface OptionEndpoints {
  /** The option key that supplied them. */
  key: string;
  /** The items as given: `unix:<path>`, or host:port / URL items (port from `port`). */
  endpoints: string[];
  /** The port of an item written without one. */
  defaultPort: number | undefined;
  /** The target's name when the user gave none. */
  name: string;
}

/** The endpoints a target's (already checked) options supply, or undefined when none does. */
export function endpointsFromOptions(manifest: Pick<Manifest, 'middleware' | 'id' | 'options' | 'config_schema' | 'defaultPort'>, options: Readonly<Record<string, unknown>>): OptionEndpoints | undefined {
  for (const [key, spec] of Object.entries(declaredOptions(manifest))) {
    const value = options[key];
    if (spec.unixSocket && typeof value === 'string' && value !== '') {
      return { key, endpoints: [`unix:${value}`], defaultPort: undefined, name: `${manifest.middleware ?? manifest.id}@${value}` };
    }
    if (spec.suppliesEndpoints && Array.isArray(value) && value.length > 0) {
      const endpoints = value.map(String);
      return { key, endpoints, defaultPort: spec.port ?? manifest.defaultPort, name: endpoints.join(',') };
    }
  }
  return undefined;
}

/** How else endpoints can be given, for the "needs at least one endpoint" fix: a flag such as `--<flag> <path>` (argv) or `options.<name>` (ksa.yaml). */
export function endpointAlternatives(manifest: Pick<Manifest, 'options' | 'config_schema'>, where: 'argv' | 'config' = 'argv'): string[] {
  return Object.entries(declaredOptions(manifest))
    .filter(([, spec]) => spec.unixSocket || spec.suppliesEndpoints)
    .map(([key, spec]) => {
      if (where === 'config') return `options.${key}`;
      const value = spec.valueName ?? (spec.unixSocket ? 'path' : 'host:port,...');
      return spec.flag ? `--${spec.flag} <${value}>` : `--option ${key}=<${value}>`;
    });
}
