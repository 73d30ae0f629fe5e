// The words an option value or a positional argument can take. Choices declared on the commander
// option/argument are used as they are; everything that depends on the plugins (types, plugin
// ids, threshold and check ids, categories, actions, plugin option keys) is read from the loaded
// manifests, so an installed or --plugin plugin completes like a built-in. The tables below say
// what kind of value each option or argument takes; everything else about them (names, value
// placeholders, choices) comes from the commander definitions.
import type { Argument, Command, Option } from 'commander';
import { declaredOptions } from '../../core/plugin-options.js';
import { packageRoot } from '../../core/package-root.js';
import { builtinRecoveryRecords } from '../../recovery/action-catalog.js';
import type { IsolationMode } from '../../core/manager.js';
import type { PluginTrust, SandboxSetting } from '../../core/isolation/plugin-sandbox.js';
import type { FailOn } from '../../core/status.js';
import type { LogLevel, Manifest, PluginState } from '../../core/types.js';
import type { PluginFlag } from '../plugin-flags.js';
import type { LogFormat } from '../logger.js';

export interface Candidate { word: string; description?: string | undefined }

/** How the shell finishes a word: a space after it, none (`id=` waits for its value), or its own file/directory completion. */
export type Finish = 'space' | 'nospace' | 'files' | 'dirs';

export interface Completion { candidates: Candidate[]; finish: Finish }

/** What the completion knows about the command line beyond the word being completed. */
export interface ValueContext {
  manifests: readonly Manifest[];
  pluginFlags: readonly PluginFlag[];
  /** The middleware type the command line names (diagnose/action's first argument), if any. */
  type?: string | undefined;
  command: Command;
  /** The command's positional arguments before the word being completed. */
  positionals: readonly string[];
}

type ValueKind = SourceName | { words: Readonly<Record<string, string>> };

// Exhaustive over each union: a new level/mode/state fails to compile until it completes.
const LOG_LEVELS: Record<LogLevel, string> = { error: 'errors only', warn: 'warnings and errors (default)', info: 'progress', debug: 'everything, with stacks' };
const LOG_FORMATS: Record<LogFormat, string> = { text: 'one line of text per message (default)', json: 'one JSON object per line' };
const ISOLATION: Record<IsolationMode, string> = { auto: 'worker threads, child processes where needed (default)', worker: 'worker threads', process: 'child processes', none: 'in process (debugging only)' };
const SANDBOX: Record<SandboxSetting, string> = { auto: 'bwrap where namespaces work, else node (default)', bwrap: 'bubblewrap namespaces + Node permission model', node: "Node's permission model only", none: 'unsandboxed (warning)' };
const TRUST: Record<PluginTrust, string> = { sandboxed: 'external plugins sandboxed (default)', full: 'external plugins unsandboxed (warning)' };
const FAIL_ON: Record<FailOn, string> = { warning: 'warnings and criticals fail the gate (default)', critical: 'only criticals fail the gate' };
const STATES: Record<PluginState, string> = { Unloaded: '', Loaded: '', Initialized: '', Running: '', Stopped: '', Failed: '' };

/** Option values by long flag (the same flag means the same thing on every command). */
const OPTION_VALUES: Record<string, ValueKind> = {
  '--log-level': { words: LOG_LEVELS },
  '--log-format': { words: LOG_FORMATS },
  '--isolation': { words: ISOLATION },
  '--plugin-sandbox': { words: SANDBOX },
  '--plugin-trust': { words: TRUST },
  '--fail-on': { words: FAIL_ON },
  '--state': { words: STATES },
  '--type': 'plugin-kinds',
  '--category': 'categories',
  '--threshold': 'thresholds',
  '--option': 'option-keys',
};

/** Positional arguments by `<command path> <argument name>` (ksa left out). */
export const ARGUMENT_VALUES: Record<string, ValueKind> = {
  'diagnose type': 'types',
  'action type': 'types',
  'action action': 'actions',
  'plugin info id': 'plugin-ids-with-recovery',
  'plugin health id': 'plugin-ids',
  'plugin uninstall id': 'plugin-ids',
  'plugin validate path': 'dirs',
  'plugin install package|path': 'files',
  'explain id': 'explain-ids',
  'schema kind': 'schema-kinds',
  'help command': 'commands',
};

/** A placeholder that names a path (`<file>`, `<dir>`) completes paths when no table says otherwise. */
function kindOfPlaceholder(name: string): ValueKind {
  if (/\bdir\b/.test(name)) return 'dirs';
  if (/\b(file|path)\b/.test(name)) return 'files';
  return 'none';
}

function commandPathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function optionKind(option: Option, ctx: ValueContext): ValueKind {
  if (option.argChoices) return { words: Object.fromEntries(option.argChoices.map((c) => [c, ''])) };
  const long = option.long ?? '';
  const table = OPTION_VALUES[long];
  if (table) return table;
  const flag = ctx.pluginFlags.find((f) => `--${f.flag}` === long);
  if (flag) {
    const uses = ctx.type ? flag.uses.filter((u) => u.type === ctx.type) : flag.uses;
    const words = uses.flatMap((u) => (u.spec.enum ?? []).map(String));
    return words.length > 0 ? { words: Object.fromEntries(words.map((w) => [w, ''])) } : 'none';
  }
  return kindOfPlaceholder(/<([^>]*)>|\[([^\]]*)\]/.exec(option.flags)?.slice(1).find(Boolean) ?? '');
}

function argumentKind(cmd: Command, argument: Argument): ValueKind {
  if (argument.argChoices) return { words: Object.fromEntries(argument.argChoices.map((c) => [c, ''])) };
  return ARGUMENT_VALUES[`${commandPathOf(cmd)} ${argument.name()}`] ?? kindOfPlaceholder(argument.name());
}

const middlewares = (ctx: ValueContext) => ctx.manifests.filter((m) => m.type === 'middleware' && m.middleware);
const ofType = (ctx: ValueContext) => (ctx.type ? middlewares(ctx).filter((m) => m.middleware === ctx.type) : middlewares(ctx));

/** `a,b,c`-style values: complete the item after the last comma. */
function listItems(current: string, words: readonly Candidate[]): Candidate[] {
  const head = current.slice(0, current.lastIndexOf(',') + 1);
  const done = new Set(head.split(',').filter(Boolean));
  return words.filter((c) => !done.has(c.word)).map((c) => ({ ...c, word: head + c.word }));
}

/** `key=value` values: `key=` until the key is typed, then the key's declared choices. */
function keyValue(current: string, keys: ReadonlyArray<{ key: string; description?: string | undefined; choices?: readonly string[] }>): Completion {
  const eq = current.indexOf('=');
  if (eq < 0) return { candidates: keys.map((k) => ({ word: `${k.key}=`, description: k.description })), finish: 'nospace' };
  const choices = keys.find((k) => k.key === current.slice(0, eq))?.choices ?? [];
  return { candidates: choices.map((c) => ({ word: `${current.slice(0, eq + 1)}${c}` })), finish: 'space' };
}

const plain = (candidates: Candidate[]): Completion => ({ candidates, finish: 'space' });

/** The words of each kind of value: (word being completed, context) -> completion. */
const SOURCES = {
  files: () => ({ candidates: [], finish: 'files' }),
  dirs: () => ({ candidates: [], finish: 'dirs' }),
  none: () => plain([]),
  types: (_, ctx) => plain(middlewares(ctx).map((m) => ({ word: m.middleware!, description: m.name }))),
  'plugin-ids': (_, ctx) => plain(ctx.manifests.map((m) => ({ word: m.id, description: `${m.name} ${m.version}` }))),
  // `plugin info` also describes the data-only built-in recovery plugins (health has nothing of theirs to check).
  'plugin-ids-with-recovery': (_, ctx) => plain([...ctx.manifests, ...builtinRecoveryRecords(packageRoot()).map((r) => r.manifest)]
    .map((m) => ({ word: m.id, description: `${m.name} ${m.version}` }))),
  'plugin-kinds': (_, ctx) => plain([...new Set([...ctx.manifests.map((m) => m.type), ...middlewares(ctx).map((m) => m.middleware!)])].map((word) => ({ word }))),
  'explain-ids': (_, ctx) => plain([
    ...middlewares(ctx).map((m) => ({ word: m.middleware!, description: `every check of ${m.name}` })),
    ...ctx.manifests.flatMap((m) => m.checks.map((id) => ({ word: id, description: m.checkDocs?.[id]?.description }))),
  ]),
  actions: (_, ctx) => plain(ofType(ctx).flatMap((m) => m.actions.map((a) => ({ word: a.name, description: `${a.mutating ? '(writes) ' : ''}${a.description ?? ''}` })))),
  thresholds: (current, ctx) => keyValue(current, [...new Set(ofType(ctx).flatMap((m) => m.thresholds ?? []))].map((key) => ({ key }))),
  categories: (current, ctx) => plain(listItems(current, [...new Set(ofType(ctx).flatMap((m) => m.categories))].map((word) => ({ word })))),
  'option-keys': (current, ctx) => keyValue(current, ofType(ctx).flatMap((m) => Object.entries(declaredOptions(m))
    .filter(([, spec]) => (spec.scope ?? 'target') === 'target')
    .map(([key, spec]) => ({ key, description: spec.description, choices: (spec.enum ?? []).map(String) })))),
  // `ksa help plugin <TAB>`: the subcommands of the command the words so far name.
  commands: (_, ctx) => {
    let cmd: Command | undefined = ctx.command.parent ?? undefined;
    for (const name of ctx.positionals) cmd = cmd?.commands.find((c) => c.name() === name);
    return plain((cmd?.commands ?? []).filter((c) => !isHidden(c)).map((c) => ({ word: c.name(), description: c.description() })));
  },
  'schema-kinds': async () => plain((await import('../commands/schema.js')).SCHEMA_KINDS.map((word) => ({ word }))),
} satisfies Record<string, (current: string, ctx: ValueContext) => Completion | Promise<Completion>>;
type SourceName = keyof typeof SOURCES;

async function wordsOf(kind: ValueKind, current: string, ctx: ValueContext): Promise<Completion> {
  if (typeof kind === 'object') return plain(Object.entries(kind.words).map(([word, description]) => ({ word, description: description || undefined })));
  return SOURCES[kind](current, ctx);
}

/** Hidden commands (the completion's own `__complete`) are never offered. */
export function isHidden(cmd: Command): boolean {
  const parent = cmd.parent;
  return parent !== null && !parent.createHelp().visibleCommands(parent).includes(cmd);
}

export function optionValues(option: Option, current: string, ctx: ValueContext): Promise<Completion> {
  return wordsOf(optionKind(option, ctx), current, ctx);
}

export function argumentValues(cmd: Command, argument: Argument, current: string, ctx: ValueContext): Promise<Completion> {
  return wordsOf(argumentKind(cmd, argument), current, ctx);
}
