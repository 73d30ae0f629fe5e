// Where the cursor is, read against commander definitions (src/cli/completion/command-line.ts),
// and the roff escaping of the man page (src/cli/man/roff.ts): the edge cases the e2e tests
// through a shell do not reach.
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { cursorPosition } from '../../../src/cli/completion/command-line.js';
import { text, usage } from '../../../src/cli/man/roff.js';

function program(): Command {
  const p = new Command('ksa').option('--plugin <path>', '').option('--no-color', '');
  p.command('diagnose').argument('[type]').argument('[endpoints...]').option('-o, --output <format>', '').option('--json', '').addOption(new Option('--level [n]', ''));
  const plugin = p.command('plugin');
  plugin.command('info').argument('<id>');
  return p;
}

const at = (words: string[], entered: string[] = []) => cursorPosition(program(), words, async (c) => { entered.push(c.name()); });

describe('cursorPosition', () => {
  it('descends into subcommands and collects positionals, skipping option values', async () => {
    const entered: string[] = [];
    const pos = await at(['--plugin', './x', 'diagnose', '-o', 'json', 'redis', 'h:1', ''], entered);
    expect(pos.command.name()).toBe('diagnose');
    expect(pos.positionals).toEqual(['redis', 'h:1']);
    expect(pos.given.get('--plugin')).toEqual(['./x']);
    expect(pos.given.get('--output')).toEqual(['json']);
    expect(pos.valueFor).toBeUndefined();
    expect(entered).toEqual(['diagnose']);
  });

  it('knows when the word is an option value: `-o <TAB>`, `--output=js<TAB>`, a global option after the command', async () => {
    expect((await at(['diagnose', '-o', ''])).valueFor?.long).toBe('--output');
    const eq = await at(['diagnose', '--output=js']);
    expect([eq.valueFor?.long, eq.valuePrefix]).toEqual(['--output', '--output=']);
    expect((await at(['diagnose', '--plugin', ''])).valueFor?.long).toBe('--plugin');
    // A required value is the next word even when it looks like a flag.
    expect((await at(['diagnose', '-o', '--x'])).valueFor?.long).toBe('--output');
  });

  it('an optional value is taken only when the word is not a flag; booleans take none', async () => {
    expect((await at(['diagnose', '--level', ''])).valueFor?.long).toBe('--level');
    expect((await at(['diagnose', '--level', '--js'])).valueFor).toBeUndefined();
    const pos = await at(['diagnose', '--json', 'redis', '']);
    expect(pos.positionals).toEqual(['redis']);
  });

  it('a subcommand name after a positional is a positional; after -- everything is', async () => {
    expect((await at(['plugin', 'info', 'info', ''])).positionals).toEqual(['info']);
    const pos = await at(['diagnose', '--', '-o', '']);
    expect(pos.operandsOnly).toBe(true);
    expect(pos.positionals).toEqual(['-o']);
    expect(pos.valueFor).toBeUndefined();
  });
});

describe('roff text', () => {
  it('escapes backslashes and hyphens, and never starts a request', () => {
    expect(text('a\\b --x')).toBe('a\\eb \\-\\-x');
    expect(text('.SH not a heading')).toBe('\\&.SH not a heading');
    expect(text("'quoted")).toBe("\\&'quoted");
    expect(usage('--tls-ca <file>')).toBe('\\fB\\-\\-tls\\-ca\\fR \\fI<file>\\fR');
  });
});
