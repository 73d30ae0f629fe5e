// notify.receivers of ksa.yaml, checked before anything runs: each names a loaded plugin of type
// notifier, its config passes the options the plugin declares (unknown keys with did-you-mean,
// values coerced, secret ones collected for redaction), its templates compile.
import { closestName } from '../core/closest-name.js';
import { parseDuration } from '../core/duration.js';
import { ksaError } from '../core/errors.js';
import { resolveOptions, secretOptionValues } from '../core/plugin-options.js';
import type { PluginManager } from '../core/manager.js';
import type { ResolvedReceiver } from './deliver.js';
import type { NotifyConfig, Templates } from './notify-config.js';
import { templateProblem } from './templates.js';

export interface Receiver extends ResolvedReceiver {
  templates?: Templates;
}

export function resolveReceivers(notify: NotifyConfig, file: string, manager: PluginManager, env: NodeJS.ProcessEnv): Map<string, Receiver> {
  const out = new Map<string, Receiver>();
  const notifiers = manager.registry.listByType('notifier').map((e) => e.manifest.id);
  for (const [name, r] of Object.entries(notify.receivers)) {
    const at = `notify.receivers.${name}`;
    const manifest = manager.registry.get(r.plugin)?.manifest;
    if (!manifest || manifest.type !== 'notifier') {
      const near = closestName(r.plugin, notifiers);
      throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${at}.plugin: ${JSON.stringify(r.plugin)} is not a loaded notifier plugin (notifiers: ${notifiers.join(', ') || 'none'})`, { fix: near ? `did you mean ${near}?` : 'name a plugin listed by `ksa plugin list --type notifier`, or load yours under plugins.discovery' });
    }
    const { values, problems } = resolveOptions(manifest, [{ name: (k) => `${at}.config.${k}`, values: r.config, scope: 'target' }], 'target', env);
    const problem = problems[0];
    if (problem) throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${problem.message}`, { fix: problem.fix });
    for (const [part, source] of Object.entries(r.templates ?? {})) {
      const why = source === undefined ? null : templateProblem(source, part === 'html');
      if (why) throw ksaError('KSA_ERR_CONFIG_INVALID', `${file}: ${at}.templates.${part}: ${why}`, { fix: 'fix the template (docs/NOTIFY.md "Templates" describes the language and the fields)' });
    }
    out.set(name, {
      name, plugin: r.plugin, config: values, timeoutMs: parseDuration(r.timeout, `${at}.timeout`),
      secrets: secretOptionValues(manifest, values), ...(r.templates ? { templates: r.templates } : {}),
    });
  }
  return out;
}
