// The plugin types, without zod (`ksa plugin list --type` reads them at start-up): schemas.ts
// builds PluginTypeSchema from this list.
export const PLUGIN_TYPES = ['middleware', 'exporter', 'analyzer', 'recovery', 'notifier'] as const;
