// `ksa __complete -- <words...>`: what the shell scripts of `ksa completion` call on <TAB>. The
// words are the command line after `ksa` up to the cursor (the last one is the word being
// completed, possibly empty). Prints one candidate per line, `word<TAB>description`, then a
// last line `:<finish>` (space | nospace | files | dirs) telling the shell how to finish.
// Everything comes from the commander definitions and the loaded manifests (no plugin code is
// imported), so plugin flags, types and ids of installed and --plugin plugins complete too.
import type { Command, Option } from 'commander';
import { cursorPosition } from './command-line.js';
import { argumentValues, isHidden, optionValues, type Candidate, type Completion, type ValueContext } from './value-words.js';
import { createRuntime, type GlobalFlags } from '../runtime.js';
import { readBuiltinIndex } from '../../core/loader.js';
import { packageRoot } from '../../core/package-root.js';
import type { Manifest } from '../../core/types.js';
import type { PluginFlag } from '../plugin-flags.js';

/** The commands whose flags include the plugins' (see plugin-flags.ts). */
const WITH_PLUGIN_FLAGS = new Set(['diagnose', 'action']);

export async function completeWords(program: Command, words: readonly string[]): Promise<string> {
  let manifests: Manifest[] | undefined;
  let flags: PluginFlag[] = [];
  const loaded = async (): Promise<Manifest[]> => (manifests ??= await loadManifests(globalFlags(program, words)));
  const entered = async (cmd: Command) => {
    if (!WITH_PLUGIN_FLAGS.has(cmd.name()) || cmd.parent !== program) return;
    const { addPluginFlags, pluginFlags } = await import('../plugin-flags.js');
    try {
      flags = pluginFlags(await loaded());
      addPluginFlags(cmd, flags);
    } catch {
      flags = []; // conflicting plugin flags: `ksa diagnose` itself reports them
    }
  };
  const at = await cursorPosition(program, words, entered);
  const ctx = async (): Promise<ValueContext> => ({
    manifests: await loaded(),
    pluginFlags: flags,
    type: WITH_PLUGIN_FLAGS.has(at.command.name()) ? at.positionals[0] : undefined,
    command: at.command,
    positionals: at.positionals,
  });
  let completion: Completion;
  if (at.valueFor) {
    const value = at.current.slice(at.valuePrefix.length);
    const found = await optionValues(at.valueFor, value, await ctx());
    completion = { ...found, candidates: found.candidates.map((c) => ({ ...c, word: at.valuePrefix + c.word })) };
  } else if (!at.operandsOnly && at.current.startsWith('-')) {
    completion = { candidates: optionCandidates(at.command), finish: 'space' };
  } else {
    const subs = at.positionals.length === 0 ? at.command.commands.filter((c) => !isHidden(c)) : [];
    if (subs.length > 0) {
      completion = { candidates: subs.map((c) => ({ word: c.name(), description: c.description() })), finish: 'space' };
    } else {
      const args = at.command.registeredArguments;
      const last = args.at(-1);
      const argument = args[at.positionals.length] ?? (last?.variadic ? last : undefined);
      completion = argument ? await argumentValues(at.command, argument, at.current, await ctx()) : { candidates: [], finish: 'space' };
    }
  }
  return format(completion, at.current);
}

/** The command's visible options and the global ones of its ancestors (not their --help/--version). */
function optionCandidates(cmd: Command): Candidate[] {
  const help = cmd.createHelp();
  const options: Option[] = [...help.visibleOptions(cmd)];
  for (let c = cmd.parent; c; c = c.parent) options.push(...c.options.filter((o) => !o.hidden && o.long !== '--version'));
  return options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined).map((word) => ({ word, description: o.description })));
}

function format(completion: Completion, current: string): string {
  const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 100);
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const c of completion.candidates) {
    if (!c.word.startsWith(current) || seen.has(c.word)) continue;
    seen.add(c.word);
    const description = oneLine(c.description);
    lines.push(description ? `${c.word}\t${description}` : c.word);
  }
  return `${[...lines, `:${completion.finish}`].join('\n')}\n`;
}

/** The program's own options given anywhere on the line (--plugin, --plugin-dir, --plugin-home, ...). */
function globalFlags(program: Command, words: readonly string[]): GlobalFlags {
  const values = new Map<string, string[]>();
  const valued = program.options.filter((o) => o.required || o.optional);
  for (let i = 0; i < words.length - 1; i++) {
    const word = words[i]!;
    if (word === '--') break;
    const eq = word.indexOf('=');
    const option = valued.find((o) => o.long === (eq > 0 ? word.slice(0, eq) : word));
    if (!option) continue;
    const value = eq > 0 ? word.slice(eq + 1) : i + 1 < words.length - 1 ? words[++i]! : undefined;
    if (value !== undefined) values.set(option.attributeName(), [...(values.get(option.attributeName()) ?? []), value]);
  }
  const one = (key: string) => values.get(key)?.at(-1);
  const pluginHome = one('pluginHome');
  return {
    logLevel: 'error',
    color: false,
    isolation: 'auto',
    plugin: values.get('plugin') ?? [],
    pluginDir: values.get('pluginDir') ?? [],
    ...(pluginHome !== undefined ? { pluginHome } : {}),
  };
}

/** Manifests only (no plugin code); a plugin that fails to load leaves the built-ins completing. */
async function loadManifests(flags: GlobalFlags): Promise<Manifest[]> {
  try {
    const manager = await createRuntime(flags).manager();
    return manager.registry.list().map((e) => e.manifest);
  } catch {
    return (readBuiltinIndex(packageRoot()) ?? []).map((r) => r.manifest);
  }
}
