// The single executable's package: files are node:sea assets (scripts/build-sea.mjs embeds them
// under their package-relative paths) and built-in plugin bundles are CommonJS evaluated here.
import { getAsset } from 'node:sea';
import { createRequire, isBuiltin } from 'node:module';
import { compileFunction } from 'node:vm';
import type { EmbeddedPackage } from '../core/embedded.js';

/** Plugins bundle their drivers; what is left to require is Node's own modules (optional native addons stay absent). */
function builtinOnlyRequire(): (id: string) => unknown {
  const load = createRequire(process.execPath);
  return (id) => {
    if (isBuiltin(id)) return load(id);
    throw Object.assign(new Error(`Cannot find module '${id}' (not bundled into the ksa executable)`), { code: 'MODULE_NOT_FOUND' });
  };
}

export function seaPackage(): EmbeddedPackage {
  const modules = new Map<string, unknown>();
  const read = (relPath: string): string | undefined => {
    try {
      return getAsset(relPath, 'utf8');
    } catch {
      return undefined; // not embedded
    }
  };
  return {
    root: process.execPath,
    read,
    load(relPath) {
      if (modules.has(relPath)) return modules.get(relPath);
      const code = read(relPath);
      if (code === undefined) throw new Error(`${relPath} is not embedded in this executable`);
      const filename = `${process.execPath}/${relPath}`; // names the plugin in stack traces
      const module = { exports: {} as unknown };
      compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename })(module.exports, builtinOnlyRequire(), module, filename, process.execPath);
      modules.set(relPath, module.exports);
      return module.exports;
    },
  };
}
