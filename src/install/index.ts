// Plugin installation into ksa's plugin directory, its lock file and tamper verification.
export { pluginHome, modulesDir, installedPackageDirs, LOCK_FILE } from './plugin-home.js';
export { digestPackage, diffFiles } from './digest.js';
export type { PackageDigest } from './digest.js';
export { readLock, writeLock, lockPath, LockFileSchema, LockEntrySchema } from './lock-file.js';
export type { LockFile, LockEntry } from './lock-file.js';
export { createLockVerifier, verifyInstalled, installedPackageName } from './verify.js';
export { installPlugin, ensureHome, packageNameOf } from './install.js';
export type { InstallRequest, InstallOutcome } from './install.js';
export { uninstallPlugin } from './uninstall.js';
export type { UninstallRequest } from './uninstall.js';
export { hoistedDependencies, readNpmLock } from './dependencies.js';
export type { NpmLockPackages } from './dependencies.js';
