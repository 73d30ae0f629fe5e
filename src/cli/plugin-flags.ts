// Middleware-specific flags come from the loaded manifests: every option declared with `flag:`
// becomes a flag of `ksa diagnose` and `ksa action`, with the manifest's description as help.
// A flag is scoped to the type given: two plugins may declare the same flag (e.g. a --db flag),
// and `ksa diagnose <type>` applies it to that type's option. Declarations that cannot share one
// command-line flag (one takes a value, the other does not) or that shadow one of ksa's own
// flags are refused when the plugins are loaded.
import { Option, type Command } from 'commander';
import { ksaError } from '../core/errors.js';
import { declaredOptions } from '../core/plugin-options.js';
import { VALUE_HINT } from '../core/option-values.js';
import type { Manifest, OptionSpec } from '../core/types.js';
import { compareText } from '../core/compare-text.js';

export interface FlagUse { type: string; pluginId: string; key: string; spec: OptionSpec }

export interface PluginFlag {
  flag: string;
  /** Every flag except a boolean's takes a value; value flags are repeatable (lists collect). */
  takesValue: boolean;
  uses: FlagUse[];
}

/** The flags the middleware plugins declare, merged by name; conflicting shapes are refused. */
export function pluginFlags(manifests: readonly Manifest[]): PluginFlag[] {
  const byName = new Map<string, PluginFlag>();
  for (const m of manifests) {
    if (m.type !== 'middleware' || !m.middleware) continue;
    for (const [key, spec] of Object.entries(declaredOptions(m))) {
      if (!spec.flag || spec.scope === 'plugin') continue;
      const use: FlagUse = { type: m.middleware, pluginId: m.id, key, spec };
      const takesValue = spec.type !== 'boolean';
      const known = byName.get(spec.flag);
      if (!known) {
        byName.set(spec.flag, { flag: spec.flag, takesValue, uses: [use] });
        continue;
      }
      if (known.takesValue !== takesValue) {
        const first = known.uses[0]!;
        throw ksaError('KSA_ERR_MANIFEST_INVALID', `--${spec.flag} is declared by ${first.pluginId} (${first.spec.type}) and by ${m.id} (${spec.type}): one flag cannot both take a value and not`, {
          fix: `rename the flag in one of the manifests, or remove one of the plugins`,
        });
      }
      known.uses.push(use);
    }
  }
  return [...byName.values()].sort((a, b) => compareText(a.flag, b.flag));
}

/** Help text: one description with its types, or each type's own when they differ. */
function helpOf(f: PluginFlag): string {
  const descriptions = new Set(f.uses.map((u) => u.spec.description ?? ''));
  if (descriptions.size === 1) return `${f.uses.map((u) => u.type).join(', ')}: ${[...descriptions][0]}`;
  return f.uses.map((u) => `${u.type}: ${u.spec.description ?? ''}`).join('; ');
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The flags every command in the chain already has (its own and its ancestors'). */
function takenAttributes(cmd: Command): Map<string, string> {
  const taken = new Map<string, string>();
  for (let c: Command | null = cmd; c; c = c.parent) for (const o of c.options) taken.set(o.attributeName(), o.long ?? o.flags);
  return taken;
}

/** Adds the plugin flags to a command (diagnose, action), under their own help heading. */
export function addPluginFlags(cmd: Command, flags: readonly PluginFlag[]): void {
  const taken = takenAttributes(cmd);
  for (const f of flags) {
    const valueName = f.uses[0]!.spec.valueName ?? VALUE_HINT[f.uses[0]!.spec.type];
    const option = new Option(f.takesValue ? `--${f.flag} <${valueName}>` : `--${f.flag}`, helpOf(f)).helpGroup('Plugin options (per type, from the manifests; ksa plugin info <type>):');
    const clash = taken.get(option.attributeName());
    if (clash !== undefined) {
      throw ksaError('KSA_ERR_MANIFEST_INVALID', `${f.uses.map((u) => u.pluginId).join(', ')} declares --${f.flag}, which clashes with ksa's own ${clash}`, { fix: 'rename the flag in the plugin manifest' });
    }
    if (f.takesValue) option.argParser(collect);
    cmd.addOption(option);
    taken.set(option.attributeName(), `--${f.flag}`);
  }
}

/** The plugin flags the user gave, by flag name: string[] for value flags (repeatable), true for booleans. */
export function givenPluginFlags(cmd: Command, flags: readonly PluginFlag[]): Record<string, string[] | true> {
  const opts = cmd.opts<Record<string, unknown>>();
  const out: Record<string, string[] | true> = {};
  for (const f of flags) {
    const attribute = new Option(`--${f.flag}`).attributeName();
    if (cmd.getOptionValueSource(attribute) !== 'cli') continue;
    out[f.flag] = f.takesValue ? (opts[attribute] as string[]) : true;
  }
  return out;
}
