// What an isolation host needs to know about a plugin module, without loading the sdk that built
// it: the marker of its plugin type, the plugin API version, a factory for THE instance and the
// declared thresholds. The sdk's define*Plugin functions produce exactly these shapes (and
// re-export the type guards).
import type { MiddlewarePlugin, NotifierPlugin, ThresholdDefault } from './types.js';

export const PLUGIN_MODULE_KIND = 'ksa-middleware-plugin';
export const NOTIFIER_MODULE_KIND = 'ksa-notifier-plugin';

export interface PluginModuleShape {
  readonly kind: typeof PLUGIN_MODULE_KIND;
  readonly apiVersion: number;
  /** The plugin's parts as its author wrote them; the host reads only the declared thresholds. */
  readonly parts: { readonly thresholds?: ReadonlyArray<Readonly<ThresholdDefault>> };
  /** One instance per host: it is initialised, started, serves every call and is stopped. */
  create(): MiddlewarePlugin;
}

export interface NotifierModuleShape {
  readonly kind: typeof NOTIFIER_MODULE_KIND;
  readonly apiVersion: number;
  readonly parts: { readonly thresholds?: undefined };
  create(): NotifierPlugin;
}

/** Any plugin module a host can serve: the manifest's `type:` says which one it must be. */
export type AnyPluginModule = PluginModuleShape | NotifierModuleShape;

/** Module marker per manifest type (types without a module shape yet have none). */
export const MODULE_KIND_OF_TYPE: Readonly<Record<string, string>> = {
  middleware: PLUGIN_MODULE_KIND,
  notifier: NOTIFIER_MODULE_KIND,
};

export function isMiddlewarePluginModule(value: unknown): value is PluginModuleShape {
  const v = value as Partial<PluginModuleShape> | null;
  return typeof v === 'object' && v !== null && v.kind === PLUGIN_MODULE_KIND && typeof v.create === 'function';
}

export function isNotifierPluginModule(value: unknown): value is NotifierModuleShape {
  const v = value as Partial<NotifierModuleShape> | null;
  return typeof v === 'object' && v !== null && v.kind === NOTIFIER_MODULE_KIND && typeof v.create === 'function';
}
