// Where the cursor is in a partly typed command line, read against the commander definitions:
// which command the words address, its positional arguments so far, the options given, and
// whether the word being completed is an option's value. The same walk commander's parser
// does (options before or after subcommands, `--opt=value`, `--` ends the options), without
// running anything.
import type { Command, Option } from 'commander';

export interface CursorPosition {
  /** The deepest command the words name (the program when none). */
  command: Command;
  /** Positional arguments given to `command` before the cursor. */
  positionals: string[];
  /** Values of the value-taking options given so far, by long flag (`--plugin` -> [a, b]). */
  given: Map<string, string[]>;
  /** The option whose value is being typed (`--output <TAB>` or `--output=<TAB>`). */
  valueFor?: Option;
  /** What precedes the value in the word itself: `--output=` for `--output=js`, else ''. */
  valuePrefix: string;
  /** The word under the cursor (may be empty). */
  current: string;
  /** After `--`: only positional arguments. */
  operandsOnly: boolean;
}

/** The options a command accepts: its own and its ancestors' (global options). */
function optionsInScope(cmd: Command): Option[] {
  const out: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) out.push(...c.options);
  return out;
}

const takesValue = (o: Option): boolean => o.required || o.optional;

function findOption(cmd: Command, flag: string): Option | undefined {
  return optionsInScope(cmd).find((o) => o.long === flag || o.short === flag);
}

function findSubcommand(cmd: Command, name: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/**
 * Reads `words` (everything after the program name; the last one is the word under the cursor).
 * `entered` is called for each subcommand the words enter, before its options are looked up:
 * diagnose and action get their plugin flags there.
 */
export async function cursorPosition(program: Command, words: readonly string[], entered: (cmd: Command) => Promise<void>): Promise<CursorPosition> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const given = new Map<string, string[]>();
  const record = (o: Option, value: string) => { const key = o.long ?? o.flags; given.set(key, [...(given.get(key) ?? []), value]); };
  let command = program;
  let positionals: string[] = [];
  let operandsOnly = false;
  for (let i = 0; i < before.length; i++) {
    const word = before[i]!;
    if (operandsOnly || word === '-' || !word.startsWith('-')) {
      const sub = operandsOnly || positionals.length > 0 ? undefined : findSubcommand(command, word);
      if (sub) {
        command = sub;
        positionals = [];
        await entered(sub);
      } else positionals.push(word);
      continue;
    }
    if (word === '--') { operandsOnly = true; continue; }
    const eq = word.startsWith('--') ? word.indexOf('=') : -1;
    const option = findOption(command, eq > 0 ? word.slice(0, eq) : word);
    if (!option || !takesValue(option)) continue;
    if (eq > 0) { record(option, word.slice(eq + 1)); continue; }
    // A required value is the next word whatever it looks like; an optional one only if it is not a flag.
    if (i + 1 === before.length) {
      if (option.required || !current.startsWith('-')) return { command, positionals, given, valueFor: option, valuePrefix: '', current, operandsOnly };
      continue;
    }
    if (option.required || !before[i + 1]!.startsWith('-')) record(option, before[++i]!);
  }
  if (!operandsOnly && current.startsWith('--') && current.includes('=')) {
    const eq = current.indexOf('=');
    const option = findOption(command, current.slice(0, eq));
    if (option && takesValue(option)) return { command, positionals, given, valueFor: option, valuePrefix: current.slice(0, eq + 1), current, operandsOnly };
  }
  return { command, positionals, given, valuePrefix: '', current, operandsOnly };
}
