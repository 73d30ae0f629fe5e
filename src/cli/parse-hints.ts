// Did-you-mean for commander's parse errors (unknown command, unknown option) and the help a
// missing subcommand gets: every hint comes from the one helper closestName (commander's own
// suggestions are off), and every fix names the help of the command the user was typing.
import type { Command, CommanderError, Option } from 'commander';
import { closestName } from '../core/closest-name.js';
import { ksaError } from '../core/errors.js';

/** `ksa plugin` for the plugin command. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The command argv addresses: descends through subcommand names, skipping option values. */
export function commandOf(program: Command, argv: readonly string[]): Command {
  let cmd = program;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      const option = optionsOf(cmd).find((o) => o.long === arg || o.short === arg);
      if (option && (option.required || option.optional)) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    cmd = sub;
  }
  return cmd;
}

/** Subcommand names a user is told about: hidden ones (`__complete`, `__man`) are for scripts. */
function visibleNames(cmd: Command): string[] {
  return cmd.createHelp().visibleCommands(cmd).map((c) => c.name());
}

/** The options a command accepts: its own and its ancestors' (global options). */
function optionsOf(cmd: Command): Option[] {
  const out: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) out.push(...c.options);
  return out;
}

/** The `what: fix` of a commander parse error, with a did-you-mean where one is close. */
export function describeParseError(error: CommanderError, program: Command, argv: readonly string[]): { message: string; fix: string } {
  const cmd = commandOf(program, argv);
  const help = `\`${commandPath(cmd)} --help\``;
  const message = error.message.replace(/^error: /, '');
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  if (error.code === 'commander.unknownOption') {
    const flag = quoted.split('=')[0]!;
    const longs = optionsOf(cmd).flatMap((o) => (o.long ? [o.long.replace(/^--/, '')] : []));
    const near = flag.startsWith('--') ? closestName(flag.slice(2), [...longs, 'help']) : undefined;
    return { message, fix: near ? `did you mean --${near}? (${help} lists the options)` : `${help} lists the options` };
  }
  if (error.code === 'commander.unknownCommand') {
    const near = closestName(quoted, visibleNames(cmd));
    return { message, fix: near ? `did you mean \`${commandPath(cmd)} ${near}\`? (${help} lists the commands)` : `${help} lists the commands` };
  }
  return { message, fix: `run ${help} for usage` };
}

/** The one-line error after the help printed for a command run without its subcommand. */
export function missingSubcommand(cmd: Command): { message: string; fix: string } {
  const names = visibleNames(cmd).filter((n) => n !== 'help');
  return {
    message: `\`${commandPath(cmd)}\` needs a command (${names.join(', ')})`,
    fix: `run e.g. \`${commandPath(cmd)} ${names[0] ?? '<command>'}\`; the help above describes each`,
  };
}

/** The command `ksa help <names...>` is about; an unknown name is bad input with a did-you-mean. */
export function helpTarget(program: Command, names: readonly string[]): Command {
  let cmd = program;
  for (const name of names) {
    const sub = cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!sub) {
      const near = closestName(name, visibleNames(cmd));
      const path = commandPath(cmd);
      throw ksaError('KSA_ERR_BAD_INPUT', `unknown command '${name}'`, { fix: near ? `did you mean \`${path} ${near}\`? (\`${path} --help\` lists the commands)` : `\`${path} --help\` lists the commands` });
    }
    cmd = sub;
  }
  return cmd;
}
