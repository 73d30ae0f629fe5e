// Version constants, kept apart from schemas.ts so hot paths can use them without loading zod.
export const SCHEMA_VERSION = 1 as const;
export const PLUGIN_API_VERSION = 1 as const;
