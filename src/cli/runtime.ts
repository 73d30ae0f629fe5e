// Per-invocation wiring shared by the commands: global flags -> logger, colour, PluginManager.
import { chooseColor } from './color-choice.js';
import { PluginManager, type IsolationMode } from '../core/manager.js';
import { packageRoot } from '../core/package-root.js';
import { ksaError } from '../core/errors.js';
import { createCliLogger, LOG_FORMATS, type CliLogger, type LogFormat } from './logger.js';
import { installedPackageDirs, pluginHome } from '../install/plugin-home.js';
import { PLUGIN_TRUST, SANDBOX_SETTINGS, type PluginTrust, type SandboxSetting } from '../core/isolation/plugin-sandbox.js';
import type { LogLevel } from '../core/types.js';

export interface GlobalFlags {
  logLevel: string;
  /** text (default) | json: ksa's own log lines on stderr (the watcher's structured log). */
  logFormat?: string;
  color: boolean;
  isolation: string;
  plugin?: string[];
  pluginDir?: string[];
  /** ksa's plugin directory (`ksa plugin install`); default KSA_PLUGIN_DIR or ~/.ksa/plugins. */
  pluginHome?: string;
  /** --plugin-sandbox (wins over ksa.yaml's plugins.sandbox). */
  pluginSandbox?: string;
  pluginTrust?: string;
}

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
const ISOLATION: readonly IsolationMode[] = ['auto', 'worker', 'process', 'none'];

export interface Runtime {
  logger: CliLogger;
  flags: GlobalFlags;
  /** Whether human output may use colour (a renderer applies it when it loads chalk). */
  color: boolean;
  manager(extra?: { externals?: string[]; discoveryDirs?: string[]; pluginConfig?: Record<string, Record<string, unknown>>; disabled?: string[]; sandbox?: SandboxSetting; trusted?: string[] }): Promise<PluginManager>;
}

export function createRuntime(flags: GlobalFlags): Runtime {
  if (!LOG_LEVELS.includes(flags.logLevel as LogLevel)) {
    throw ksaError('KSA_ERR_BAD_INPUT', `--log-level ${JSON.stringify(flags.logLevel)} is not one of ${LOG_LEVELS.join(', ')}`, { fix: 'use --log-level error|warn|info|debug' });
  }
  if (!ISOLATION.includes(flags.isolation as IsolationMode)) {
    throw ksaError('KSA_ERR_BAD_INPUT', `--isolation ${JSON.stringify(flags.isolation)} is not one of ${ISOLATION.join(', ')}`, { fix: 'use --isolation auto|worker|process|none' });
  }
  if (flags.pluginSandbox !== undefined && !SANDBOX_SETTINGS.includes(flags.pluginSandbox as SandboxSetting)) {
    throw ksaError('KSA_ERR_BAD_INPUT', `--plugin-sandbox ${JSON.stringify(flags.pluginSandbox)} is not one of ${SANDBOX_SETTINGS.join(', ')}`, { fix: 'use --plugin-sandbox auto|bwrap|node|none' });
  }
  if (flags.pluginTrust !== undefined && !PLUGIN_TRUST.includes(flags.pluginTrust as PluginTrust)) {
    throw ksaError('KSA_ERR_BAD_INPUT', `--plugin-trust ${JSON.stringify(flags.pluginTrust)} is not one of ${PLUGIN_TRUST.join(', ')}`, { fix: 'use --plugin-trust sandboxed|full' });
  }
  const logFormat = flags.logFormat ?? 'text';
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    throw ksaError('KSA_ERR_BAD_INPUT', `--log-format ${JSON.stringify(logFormat)} is not one of ${LOG_FORMATS.join(', ')}`, { fix: 'use --log-format text|json' });
  }
  const color = chooseColor({ flag: flags.color, env: process.env, stdoutIsTTY: process.stdout.isTTY === true });
  const logger = createCliLogger(flags.logLevel as LogLevel, undefined, logFormat as LogFormat);
  return {
    logger,
    flags,
    color,
    async manager(extra = {}) {
      // Installed plugins are discovered; each is checked against the lock before its code runs.
      const home = pluginHome(flags.pluginHome);
      const installed = installedPackageDirs(home);
      const verifyExternal = installed.length > 0 ? (await import('../install/verify.js')).createLockVerifier(home) : undefined;
      return new PluginManager({
        packageRoot: packageRoot(),
        externals: [...(flags.plugin ?? []), ...(extra.externals ?? [])],
        discoveryDirs: [...(flags.pluginDir ?? []), ...installed, ...(extra.discoveryDirs ?? [])],
        packageRoots: [home],
        ...(verifyExternal ? { verifyExternal } : {}),
        isolation: flags.isolation as IsolationMode,
        sandbox: (flags.pluginSandbox as SandboxSetting | undefined) ?? extra.sandbox ?? 'auto',
        trust: (flags.pluginTrust as PluginTrust | undefined) ?? 'sandboxed',
        ...(extra.trusted ? { trustedPlugins: extra.trusted } : {}),
        logger,
        ...(extra.pluginConfig ? { pluginConfig: extra.pluginConfig } : {}),
        ...(extra.disabled ? { disabled: extra.disabled } : {}),
      }).load();
    },
  };
}
