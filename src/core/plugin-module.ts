// What an isolation host needs to know about a plugin module, without loading the sdk that built
// it: the marker, the plugin API version, a factory for THE instance and the declared thresholds.
// The sdk's defineMiddlewarePlugin produces exactly this shape (and re-exports the type guard).
import type { MiddlewarePlugin, ThresholdDefault } from './types.js';

export const PLUGIN_MODULE_KIND = 'ksa-middleware-plugin';

export interface PluginModuleShape {
  readonly kind: typeof PLUGIN_MODULE_KIND;
  readonly apiVersion: number;
  /** The plugin's parts as its author wrote them; the host reads only the declared thresholds. */
  readonly parts: { readonly thresholds?: ReadonlyArray<Readonly<ThresholdDefault>> };
  /** One instance per host: it is initialised, started, serves every call and is stopped. */
  create(): MiddlewarePlugin;
}

export function isMiddlewarePluginModule(value: unknown): value is PluginModuleShape {
  const v = value as Partial<PluginModuleShape> | null;
  return typeof v === 'object' && v !== null && v.kind === PLUGIN_MODULE_KIND && typeof v.create === 'function';
}
