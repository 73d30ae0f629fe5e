// `ksa __man` (npm run docs:man -> man/ksa.1): the man page, generated from the commander program
// (the same definitions `--help` and the shell completion read) and from the built-in plugins'
// manifests (their flags, types, examples and the variables and files their clients' conventions
// read). Only built-ins: the shipped page must not depend on what this machine has installed.
import { COMMAND_ENV_DOC } from '../../recovery/command-line.js';
import type { Argument, Command, Option } from 'commander';
import { readBuiltinIndex } from '../../core/loader.js';
import { packageRoot } from '../../core/package-root.js';
import { EXIT_CODE, NAGIOS_WORD } from '../../core/status.js';
import { GENERIC_PASSWORD_ENV } from '../../config/secrets.js';
import { LOCK_FILE } from '../../install/plugin-home.js';
import { declaredOptions } from '../../core/plugin-options.js';
import type { Manifest, Status } from '../../core/types.js';
import { bold, example, italic, paragraph, section, subsection, tagged, text, usage } from './roff.js';

/** What each status means for a run (the exit code and the Nagios word come from core/status.ts). */
const STATUS_MEANING: Record<Status, string> = {
  healthy: 'healthy, or only findings below --fail-on, or only baselined findings',
  warning: 'a warning fails the gate',
  critical: 'a critical fails the gate',
  unknown: 'a target unreachable, a timeout, a plugin failure, bad input or a bad config; every bad input prints one line "ksa: KSA_ERR_<CODE> <what>: <fix>" on stderr',
};

/** ksa's own variables (the plugins' conventional ones are read from their manifests). */
const OWN_ENVIRONMENT: Record<string, string> = {
  KSA_CONFIG: 'the ksa.yaml used when --config is not given (else ./ksa.yaml)',
  KSA_PLUGIN_DIR: "ksa's plugin directory when --plugin-home is not given (default ~/.ksa/plugins)",
  KSA_STATE_DIR: "ksa watch's state dir when --state-dir is not given (else $XDG_STATE_HOME/ksa or ~/.local/state/ksa)",
  [GENERIC_PASSWORD_ENV]: "the password when none is given and the plugin's own variables (below) are unset",
  NO_COLOR: 'no colour in the table output, whatever its value (no-color.org)',
  FORCE_COLOR: 'colour even when stdout is not a terminal; 0 or false turns colour off',
};

const OWN_FILES: Record<string, string> = {
  './ksa.yaml': 'the targets, defaults and plugin settings of a fleet run (ksa config example writes one)',
  '~/.ksa/plugins/': "ksa's plugin directory (--plugin-home, KSA_PLUGIN_DIR): an npm project whose node_modules holds the plugins ksa plugin install installed",
  '~/.local/state/ksa/': 'the state dir of ksa watch (--state-dir, KSA_STATE_DIR): target states, the event journal, health.json (docs/WATCH.md)',
  [`~/.ksa/plugins/${LOCK_FILE}`]: 'the lock of the installed plugins: their files are checked against it before their code runs',
};

/** The parts of a manifest's `conventions:` the page names (read structurally: any source shape). */
interface ConventionSources { conventions?: { client?: string; sources?: Array<{ from: string; vars?: Record<string, unknown>; pathEnv?: string; paths?: string[] }> } }

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Convention fields as the page names them; an option field names its flag when it has one. */
const FIELD_LABEL: Record<string, string> = {
  user: 'user', password: 'password', host: 'host', port: 'port', endpoints: 'endpoints', tls: 'TLS on/off', tlsCa: 'TLS CA bundle',
  tlsCert: 'TLS client certificate', tlsKey: 'TLS client key', mechanism: 'authentication mechanism', service: 'service name (a section of the service file)',
};

function fieldLabel(m: Manifest, key: unknown): string {
  const field = typeof key === 'string' ? key : typeof key === 'object' && key !== null && 'field' in key ? String(key.field) : '';
  if (!field.startsWith('option.')) return FIELD_LABEL[field] ?? field;
  const option = field.slice('option.'.length);
  const flag = declaredOptions(m)[option]?.flag;
  return flag ? `--${flag}` : `option ${option}`;
}

/** Variable -> what it sets, per middleware type: credentials, options' env, the client's conventions. */
function pluginEnvironment(manifests: readonly Manifest[]): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (name: string, use: string) => uses.set(name, [...new Set([...(uses.get(name) ?? []), use])]);
  for (const m of manifests) {
    const type = m.middleware ?? m.id;
    for (const name of m.credentials?.passwordEnv ?? []) add(name, `${type}: password`);
    for (const [key, spec] of Object.entries(declaredOptions(m))) for (const name of spec.env ?? []) add(name, `${type}: ${spec.flag ? `--${spec.flag}` : `option ${key}`}`);
    for (const source of (m as Manifest & ConventionSources).conventions?.sources ?? []) {
      for (const [name, key] of Object.entries(source.vars ?? {})) add(name, `${type}: ${fieldLabel(m, key)}`);
      if (source.pathEnv) add(source.pathEnv, `${type}: the ${source.from} to read instead of ${(source.paths ?? []).join(', ') || 'the default'}`);
    }
  }
  return uses;
}

function pluginFiles(manifests: readonly Manifest[]): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const m of manifests) {
    const conventions = (m as Manifest & ConventionSources).conventions;
    for (const source of conventions?.sources ?? []) {
      for (const path of source.paths ?? []) files.set(path, [...(files.get(path) ?? []), `${m.middleware ?? m.id}: read as ${conventions?.client ?? 'its client'} reads it`]);
    }
  }
  return files;
}

function visibleSubcommands(cmd: Command): Command[] {
  return cmd.createHelp().visibleCommands(cmd).filter((c) => c.name() !== 'help' || cmd.parent === null);
}

/** Commands that run something (groups such as `plugin` are walked into). */
function leaves(cmd: Command): Command[] {
  return visibleSubcommands(cmd).flatMap((c) => (visibleSubcommands(c).length > 0 ? leaves(c) : [c]));
}

function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

const optionEntry = (cmd: Command, o: Option) => tagged(usage(o.flags), cmd.createHelp().optionDescription(o));
const argumentEntry = (cmd: Command, a: Argument) => tagged(italic(a.name() + (a.variadic ? '...' : '')), cmd.createHelp().argumentDescription(a));

function commandEntry(cmd: Command): string[] {
  const help = cmd.createHelp();
  const options = help.visibleOptions(cmd).filter((o) => o.long !== '--help');
  const groups = new Map<string, Option[]>();
  for (const o of options) groups.set(o.helpGroupHeading ?? '', [...(groups.get(o.helpGroupHeading ?? '') ?? []), o]);
  return [
    subsection(`${pathOf(cmd)} ${cmd.usage()}`.replace(/\s+/g, ' ').trim()),
    text(cmd.description()),
    ...help.visibleArguments(cmd).map((a) => argumentEntry(cmd, a)),
    ...[...groups].flatMap(([heading, list]) => [...(heading ? [paragraph(heading.replace(/:$/, ''))] : []), ...list.map((o) => optionEntry(cmd, o))]),
  ];
}

async function builtinManifests(): Promise<Manifest[]> {
  const records = readBuiltinIndex(packageRoot()) ?? (await import('../../core/manifest-reader.js')).readBuiltinYaml(packageRoot());
  return records.map((r) => r.manifest).sort((a, b) => a.id.localeCompare(b.id));
}

export async function manPage(program: Command, version: string): Promise<string> {
  const manifests = await builtinManifests();
  const { addPluginFlags, pluginFlags } = await import('../plugin-flags.js');
  const flags = pluginFlags(manifests);
  for (const name of ['diagnose', 'action']) {
    const cmd = program.commands.find((c) => c.name() === name);
    if (cmd && !cmd.options.some((o) => o.helpGroupHeading?.startsWith('Plugin options'))) addPluginFlags(cmd, flags);
  }
  const middleware = manifests.filter((m) => m.type === 'middleware' && m.middleware);
  const statuses = (Object.keys(EXIT_CODE) as Status[]).sort((a, b) => EXIT_CODE[a] - EXIT_CODE[b]);
  const environment = pluginEnvironment(manifests);
  const files = pluginFiles(manifests);
  const globalOptions = program.createHelp().visibleOptions(program);
  return `${[
    `.TH KSA 1 "" "ksa ${text(version)}" "User Commands"`,
    '.nh', // no hyphenation: flags and ids are copied from the page
    '.ad l',
    section('NAME'),
    `ksa \\- ${text(program.description().split(':')[0]!.replace(/\s*\([^)]*\)/g, ''))}`,
    section('SYNOPSIS'),
    ...leaves(program).flatMap((c) => [`${bold('ksa')} [${italic('global options')}] ${usage(`${pathOf(c).replace(/^ksa /, '')} ${c.usage()}`.trim())}`, '.br']),
    section('DESCRIPTION'),
    text(program.description()),
    paragraph('Every middleware type is a plugin: the built-in ones are listed under MIDDLEWARE TYPES; external plugins are loaded with --plugin and --plugin-dir or installed with ksa plugin install. Middleware-specific flags of diagnose and action come from the plugin manifests (ksa plugin info <type> lists a plugin\'s options, thresholds and actions).'),
    section('GLOBAL OPTIONS'),
    text('Given before or after the command.'),
    ...globalOptions.map((o) => optionEntry(program, o)),
    section('COMMANDS'),
    ...leaves(program).flatMap(commandEntry),
    section('MIDDLEWARE TYPES'),
    text('The built-in plugins (ksa plugin list shows every loaded one):'),
    ...middleware.map((m) => tagged(bold(m.middleware!), `${m.id} ${m.version}${m.defaultPort ? `, default port ${m.defaultPort}` : ''}: ${m.description.replace(/\.+$/, '')}. Categories: ${m.categories.join(', ')}.`)),
    section('EXIT STATUS'),
    text('One status decides the exit code, the Nagios word, the JUnit elements and the JSON status: --fail-on and --baseline are applied once per target, and the run\'s status is the worst effective status of its targets in the order CRITICAL > UNKNOWN > WARNING > OK.'),
    ...statuses.map((s) => tagged(bold(String(EXIT_CODE[s])), `${NAGIOS_WORD[s]}: ${STATUS_MEANING[s]}.`)),
    paragraph('ksa action and ksa plugin health exit 0 when everything succeeded, 2 when an action or a plugin failed, and 3 on bad input.'),
    section('ENVIRONMENT'),
    ...Object.entries(OWN_ENVIRONMENT).map(([name, what]) => tagged(bold(name), what)),
    ...Object.entries(COMMAND_ENV_DOC).map(([name, what]) => tagged(bold(name), what)),
    paragraph('The built-in plugins read the variables of their middleware\'s own clients when the command line does not say (flags and the endpoint win):'),
    ...[...environment].sort(([a], [b]) => a.localeCompare(b)).map(([name, uses]) => tagged(bold(name), `${uses.join('; ')}.`)),
    section('FILES'),
    ...Object.entries(OWN_FILES).map(([path, what]) => tagged(italic(path), what)),
    ...[...files].sort(([a], [b]) => a.localeCompare(b)).map(([path, uses]) => tagged(italic(path), `${uses.join('; ')}.`)),
    section('EXAMPLES'),
    ...middleware.flatMap((m) => (m.examples ?? []).map((e) => example(`${capitalized(e.description)}:`, e.command))),
    example('Every target of a ksa.yaml, as JUnit for CI:', 'ksa diagnose --config ksa.yaml --output junit > ksa.xml'),
    example('Shell completion for bash (zsh: the same with zsh; fish: ksa completion fish | source):', 'eval "$(ksa completion bash)"'),
    section('SEE ALSO'),
    text('ksa help <command>, ksa plugin info <type>, ksa explain <check id>, ksa schema report; docs/checks/ in the package for every check.'),
  ].join('\n')}\n`;
}
