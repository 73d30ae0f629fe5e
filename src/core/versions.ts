// Version constants, kept apart from schemas.ts so hot paths can use them without loading zod.
export const SCHEMA_VERSION = 1 as const;
export const PLUGIN_API_VERSION = 1 as const;
/**
 * The npm package name ksa is published under (the bare name `ksa` on npm is an unrelated
 * package): plugins import `${PACKAGE_NAME}/sdk` and peer-depend on it. A test keeps it equal to
 * package.json's name.
 */
export const PACKAGE_NAME = '@kubestack/ksa' as const;
