// The `ksa` program: commander wiring only; each command's work lives in commands/<name>.ts.
// Every failure ends as one line `ksa: KSA_ERR_* message: fix` on stderr and exit 3; the stack
// is shown only with --log-level debug. The process always exits explicitly after output is
// flushed: drivers may leave sockets open, and a CI gate must not wait for them.
import { Argument, Command, CommanderError, Option } from 'commander';
import { ksaError, toErrorInfo, type KsaError } from '../core/errors.js';
import { describeParseError, missingSubcommand } from './parse-hints.js';
import { createRuntime, type GlobalFlags, type Runtime } from './runtime.js';
import { OUTPUT_FORMATS, RENDERERS, type OutputFormat } from '../render/index.js';
import type { Manifest, Report } from '../core/types.js';
import type { PluginManager } from '../core/manager.js';
import type { PluginFlag } from './plugin-flags.js';
import { completionScript, SHELLS, type Shell } from './completion/shell-scripts.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export async function main(argv: string[], version: string): Promise<number> {
  const program = new Command('ksa');
  let exitCode = 0;
  let debug = argv.includes('--log-level=debug') || argv.join(' ').includes('--log-level debug');
  const out = (text: string) => { process.stdout.write(text); };
  // One runtime per invocation (one logger: the secrets it learns redact everything it prints).
  // The manager the plugin flags were read from is handed to the command that asks for one.
  let rtOnce: Runtime | undefined;
  let loaded: PluginManager | undefined;
  const runtime = (): Runtime => {
    if (rtOnce) return rtOnce;
    const rt = createRuntime(program.opts<GlobalFlags>());
    debug = rt.logger.level === 'debug';
    const fresh = rt.manager.bind(rt);
    rt.manager = (extra) => {
      const ready = extra === undefined ? loaded : undefined;
      if (ready) loaded = undefined;
      return ready ? Promise.resolve(ready) : fresh(extra);
    };
    rtOnce = rt;
    return rt;
  };
  const emitReport = async (report: Report, format: OutputFormat, color: boolean, quiet: boolean) => {
    const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
    out(quiet ? await verdictLine(report) : (await RENDERERS[format]())(report, { color, ...(columns ? { columns } : {}) }));
    exitCode = report.exitCode;
  };
  // A command run without its subcommand prints its help on stderr (commander calls writeErr
  // only for that: its error messages are replaced by our one line), then the error line.
  let missingIn: Command | undefined;
  program.on('beforeAllHelp', (context: { error: boolean; command: Command }) => { if (context.error) missingIn = context.command; });
  // `diagnose` and `action` get the flags the loaded plugins declare (manifests only, no plugin
  // code: the built-ins from the build-time index, --plugin/--plugin-dir and installed packages
  // from their manifests), read when one of those commands is about to parse its arguments.
  let diagnoseHelpText = '';
  let actionHelpText = '';
  const helpWanted = argv.some((a) => a === '--help' || a === '-h');
  let flagsOfPlugins: PluginFlag[] = [];
  const addPluginFlagsTo = async (cmd: Command, forHelp = helpWanted) => {
    const { addPluginFlags, pluginFlags } = await import('./plugin-flags.js');
    let manifests: Manifest[];
    try {
      loaded = await runtime().manager();
      manifests = loaded.registry.list().map((e) => e.manifest);
      flagsOfPlugins = pluginFlags(manifests);
      addPluginFlags(cmd, flagsOfPlugins);
    } catch (error) {
      if (!forHelp) throw error;
      diagnoseHelpText = `\nThe plugin manifests could not be read: ${toErrorInfo(error).message.split('\n')[0]}`;
      actionHelpText = diagnoseHelpText;
      return;
    }
    if (cmd.name() === 'diagnose' && forHelp) diagnoseHelpText = (await import('./diagnose-help.js')).diagnoseHelp(manifests);
    if (cmd.name() === 'action' && forHelp) actionHelpText = (await import('./action-help.js')).actionHelp(manifests);
  };

  program
    .description('Diagnose middleware through plugins (ksa plugin list): findings with evidence, thresholds and fixes; Nagios exit codes for CI')
    .version(version, '-V, --version')
    .option('--log-level <level>', 'error | warn | info | debug (debug also prints stacks)', 'warn')
    .option('--log-format <format>', 'text | json (one JSON object per line: time, level, msg, fields)', 'text')
    .option('--no-color', 'plain output (also NO_COLOR or a non-TTY stdout)')
    .option('--isolation <mode>', 'auto | worker | process | none (none: debugging only)', 'auto')
    .option('--plugin <path|package>', 'load an external plugin (repeatable)', collect)
    .option('--plugin-dir <dir>', 'load every plugin package in a directory (repeatable)', collect)
    .option('--plugin-home <dir>', "ksa's plugin directory for `plugin install` (default: KSA_PLUGIN_DIR or ~/.ksa/plugins)")
    .option('--plugin-sandbox <mode>', 'external plugins: auto | bwrap | node | none (default auto: bwrap where namespaces work, else node; also plugins.sandbox)')
    .option('--plugin-trust <level>', 'sandboxed | full (full: external plugins run unsandboxed, with a warning; also plugins.<id>.trust)', 'sandboxed')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => { process.stderr.write(text); }, outputError: () => undefined, writeOut: out })
    .hook('preSubcommand', async (_program, sub) => {
      if (sub.name() === 'diagnose' || sub.name() === 'action') await addPluginFlagsTo(sub);
    });

  program
    .command('diagnose')
    .description('diagnose one target: ksa diagnose <type> <endpoint...>')
    .argument('[type]', 'middleware type (listed below); omit with --config')
    .argument('[endpoints...]', 'host:port or scheme://[user@]host:port[/db]; several = one deployment (e.g. a bootstrap list)')
    .option('-c, --category <name>', 'only these categories (repeatable or comma-separated)', collect)
    .option('--json', 'JSON report (alias of --output json)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('-t, --timeout <duration>', 'deadline per target', '10s')
    .option('--fail-on <level>', 'exit non-zero from: warning | critical', 'warning')
    .option('--config <file>', 'ksa.yaml with many targets (also KSA_CONFIG, ./ksa.yaml)')
    .option('--target <name>', 'only this ksa.yaml target (repeatable)', collect)
    .option('--concurrency <n>', 'targets diagnosed at once (default: ksa.yaml or 16)')
    .option('--baseline <file>', 'findings in this baseline do not fail the gate')
    .option('--write-baseline <file>', 'record the current findings as the baseline')
    .option('--save-snapshot <file>', 'save the collected snapshots for `ksa analyze`')
    .option('--no-progress', 'no progress line on stderr (shown only on a TTY with several targets)')
    .option('--threshold <id=warn,crit>', 'override a threshold (repeatable)', collect)
    .option('--name <name>', 'target name in the report')
    .option('-u, --user <user>', 'user name (as the middleware names its users)')
    .option('--password-file <file>', 'read the password from a file')
    .option('--password-env <var>', 'read the password from this environment variable')
    .option('--password <password>', 'password on argv (visible to other users: prefer --password-file)')
    .option('--tls', 'use TLS')
    .option('--tls-ca <file>', 'CA bundle')
    .option('--tls-cert <file>', 'client certificate')
    .option('--tls-key <file>', 'client key')
    .option('--tls-servername <name>', 'TLS server name (SNI)')
    .option('--tls-insecure', 'do not verify the server certificate')
    .option('--option <key=value>', "a plugin option (repeatable; ksa plugin info <type> lists them)", collect)
    .option('-q, --quiet', 'print only the one-line verdict instead of the table')
    .option('--explain-auth', "print (stderr) where the user, password (never its value), endpoints and TLS settings came from: flags, the client's variables and files")
    .addHelpText('after', () => diagnoseHelpText)
    .action(async (type: string | undefined, endpoints: string[], flags, command: Command) => {
      const { runDiagnose } = await import('./commands/diagnose.js');
      const rt = runtime();
      const format = outputFormat(flags);
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      const progress = flags.progress && !flags.quiet && format !== 'json' && process.stderr.isTTY === true;
      const { givenPluginFlags } = await import('./plugin-flags.js');
      const pluginFlags = givenPluginFlags(command, flagsOfPlugins);
      const report = await runDiagnose(rt, type, endpoints, { ...flags, pluginFlags, progress, timeoutGiven: given('timeout'), failOnGiven: given('failOn') });
      await emitReport(report, format, rt.color, flags.quiet === true);
    });

  program
    .command('action')
    .description("run a plugin's declared action: ksa action <type> <action> <endpoint...>, or on a ksa.yaml target: ksa action --config ksa.yaml --target <name> <action> (ksa plugin info <type> lists them)")
    .argument('[type]', 'middleware type (omit with --target)')
    .argument('[action]', 'action name (ksa plugin info <id> lists them)')
    .argument('[endpoints...]', 'target endpoints (omit with --target)')
    .option('--allow-write', 'allow an action that writes to the target')
    .option('--param <key=value>', 'action parameter (repeatable)', collect)
    .option('--config <file>', 'ksa.yaml of the --target (also KSA_CONFIG, ./ksa.yaml)')
    .option('--target <name>', 'act on this ksa.yaml target: its type, endpoints, credentials and options from the file; recorded under its name like the recovery engine\'s actions')
    .option('--state-dir <dir>', 'record it like a recovery action: one at a time per target, snapshot, audit log, ksa recovery history (also KSA_STATE_DIR; with --target always, default as for ksa watch)')
    .option('-t, --timeout <duration>', 'deadline (with --target and not given: the target\'s timeout in ksa.yaml)', '10s')
    .option('--json', 'JSON outcome')
    .option('-u, --user <user>', 'user name')
    .option('--password-file <file>', 'read the password from a file')
    .option('--password-env <var>', 'read the password from this environment variable')
    .option('--option <key=value>', "a plugin option (repeatable; ksa plugin info <type> lists them)", collect)
    .addHelpText('after', () => actionHelpText)
    .action(async (type: string | undefined, action: string | undefined, endpoints: string[], flags, command: Command) => {
      const [{ runAction }, { givenPluginFlags }] = await Promise.all([import('./commands/action.js'), import('./plugin-flags.js')]);
      const positionals = [type, action, ...endpoints].filter((a): a is string => a !== undefined);
      const { text, ok } = await runAction(runtime(), positionals, { ...flags, pluginFlags: givenPluginFlags(command, flagsOfPlugins), timeoutGiven: command.getOptionValueSource('timeout') === 'cli' });
      out(text);
      exitCode = ok ? 0 : 2;
    });

  program
    .command('analyze')
    .description('diagnose offline from a file written by `ksa diagnose --save-snapshot`')
    .argument('<file>', 'snapshot file')
    .option('--threshold <id=warn,crit>', 'override a threshold (repeatable)', collect)
    .option('--json', 'JSON report (alias of --output json)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('--fail-on <level>', 'exit non-zero from: warning | critical', 'warning')
    .option('--config <file>', 'ksa.yaml whose plugins to use (also KSA_CONFIG, ./ksa.yaml)')
    .option('--baseline <file>', 'findings in this baseline do not fail the gate')
    .option('--write-baseline <file>', 'record the findings as the baseline (merged into an existing file)')
    .option('-q, --quiet', 'print only the one-line verdict instead of the table')
    .action(async (file: string, flags) => {
      const { runAnalyze } = await import('./commands/analyze.js');
      const rt = runtime();
      const format = outputFormat(flags);
      await emitReport(await runAnalyze(rt, file, flags), format, rt.color, flags.quiet === true);
    });

  const watch = program
    .command('watch')
    .description('diagnose every ksa.yaml target on its own schedule until stopped (docs/WATCH.md); events as JSON lines in a pipe, a live table on a terminal')
    .option('--config <file>', 'ksa.yaml (also KSA_CONFIG, ./ksa.yaml)')
    .option('--target <name>', 'only this ksa.yaml target (repeatable)', collect)
    .option('--once', "one cycle of every target, then exit with the gate's exit code (as ksa diagnose --config)")
    .option('-o, --output <format>', 'auto | json | table (auto: a table on a terminal, JSON lines in a pipe)', 'auto');
  loopOptions(watch)
    .action(async (flags) => {
      const { runWatch } = await import('./commands/watch.js');
      exitCode = await runWatch(runtime(), flags, version);
    });
  program
    .command('recovery')
    .description('recovery rules (docs/RECOVERY.md)')
    .command('history')
    .description('every recovery attempt recorded in a watcher\'s state dir: rule, action, outcome, output excerpt, snapshot')
    .option('--state-dir <dir>', 'the watcher\'s state dir (default as for ksa watch)')
    .option('--target <name>', 'only this target')
    .option('--json', 'JSON entries')
    .action(async (flags) => {
      const { runRecoveryHistory } = await import('./commands/recovery-history.js');
      runtime();
      out(runRecoveryHistory(flags));
    });
  watch
    .command('status')
    .description('the state of a running or stopped watcher, from its state dir')
    .option('--state-dir <dir>', 'the watcher\'s state dir (default as for ksa watch)')
    .option('--json', 'JSON: targets, their findings and the self-health')
    .action(async (flags) => {
      const { runWatchStatus } = await import('./commands/watch-status.js');
      runtime();
      // `ksa watch status --state-dir d`: commander hands the flag to `watch`, which declares it too.
      out(runWatchStatus({ ...flags, stateDir: flags.stateDir ?? watch.opts().stateDir }));
    });

  const notify = program.command('notify').description('notifications of ksa watch (docs/NOTIFY.md)');
  notify
    .command('test')
    .description('send a sample notification (marked as a test) through every receiver of a ksa.yaml route, now; exit 1 if one did not take it')
    .argument('<route>', 'a route name of notify.routes')
    .option('--config <file>', 'ksa.yaml (also KSA_CONFIG, ./ksa.yaml)')
    .option('--status <status>', 'firing | resolved: which sample to send', 'firing')
    .action(async (route: string, flags) => {
      const { runNotifyTest } = await import('./commands/notify.js');
      const r = await runNotifyTest(runtime(), route, flags);
      out(r.text);
      exitCode = r.code;
    });
  notify
    .command('status')
    .description("the delivery queue of a running or stopped watcher: queued (attempts, next attempt, last answer), sent, failed, expired")
    .option('--state-dir <dir>', 'the watcher\'s state dir (default: KSA_STATE_DIR, $XDG_STATE_HOME/ksa or ~/.local/state/ksa)')
    .option('--json', 'JSON: counts and every notification kept')
    .action(async (flags) => {
      const { runNotifyStatus } = await import('./commands/notify.js');
      runtime();
      out(runNotifyStatus(flags));
    });

  const serve = program
    .command('serve')
    .description('ksa watch with an HTTP face (docs/SERVE.md): /metrics and /probe for Prometheus, the /api/v1 management API, a status page')
    .option('--config <file>', 'ksa.yaml (also KSA_CONFIG, ./ksa.yaml)')
    .option('--listen <host:port>', 'where to accept connections (default: serve.listen of ksa.yaml, else 127.0.0.1:9469)')
    .option('--shard <i/n>', 'run only the targets rendezvous hashing gives to shard i of n (a StatefulSet ordinal is i)')
    .option('-o, --output <format>', 'none | json | table | auto: the watch output on stdout', 'none');
  loopOptions(serve)
    .action(async (flags) => {
      const { runServe } = await import('./commands/serve.js');
      exitCode = await runServe(runtime(), flags, version);
    });

  const config = program.command('config').description('ksa.yaml helpers');
  config
    .command('validate')
    .description('validate ksa.yaml (types, endpoints, categories, secrets) without connecting')
    .option('--config <file>', 'config file (default: KSA_CONFIG or ./ksa.yaml)')
    .action(async (flags) => {
      const { runConfigValidate } = await import('./commands/config.js');
      const { text, errors } = await runConfigValidate(runtime(), flags.config);
      out(text);
      for (const e of errors) printError(e);
      if (errors.length > 0) exitCode = 3;
    });
  config
    .command('example')
    .description('print a commented example ksa.yaml')
    .action(async () => {
      const { configExample } = await import('./commands/config.js');
      const manager = await runtime().manager();
      out(configExample(manager.registry.list().map((e) => e.manifest)));
    });

  const plugin = program.command('plugin').description('inspect and manage plugins');
  plugin
    .command('list')
    .description('list plugins with id, version, type, state and capabilities')
    .option('--type <type>', 'filter by type (middleware, exporter, analyzer, or a middleware type)')
    .option('--state <state>', 'filter by state (Loaded, Running, Failed, ...)')
    .option('--json', 'JSON (schema: ksa schema plugins)')
    .action(async (flags) => {
      const { runPluginList } = await import('./commands/plugin.js');
      out(await runPluginList(runtime(), flags));
    });
  plugin
    .command('info')
    .description('show one plugin: categories, checks, operations, actions, thresholds (override keys, defaults, sources)')
    .argument('<id>', 'plugin id, or the middleware type it diagnoses')
    .option('--load', "external plugins: import the plugin in its sandbox to list its thresholds (runs the plugin's code)")
    .option('--json', 'JSON')
    .action(async (id: string, flags) => {
      const { runPluginInfo } = await import('./commands/plugin.js');
      out(await runPluginInfo(runtime(), id, flags));
    });
  plugin
    .command('validate')
    .description('validate an external plugin package: manifest, built entry file, version = package.json (no code is run)')
    .argument('<path>', 'plugin package directory')
    .action(async (path: string) => {
      const { runPluginValidate } = await import('./commands/plugin.js');
      runtime();
      out(await runPluginValidate(path));
    });
  plugin
    .command('new')
    .description('scaffold an external plugin package (manifest, sources, contract test)')
    .argument('<name>', 'middleware type the plugin diagnoses, e.g. memcached (with --type notifier: the notifier, e.g. pager)')
    .option('--dir <dir>', 'target directory (default: ./<name>-diagnostics, ./<name>-notifier)')
    .option('--type <type>', 'middleware (default) or notifier (a notifier / ksa watch hook)')
    .action(async (name: string, flags) => {
      const { runPluginNew } = await import('./commands/plugin-new.js');
      out(runPluginNew(runtime(), name, flags));
    });
  plugin
    .command('install')
    .description("install a plugin into ksa's plugin directory (npm install --ignore-scripts) and lock its files")
    .argument('<package|path>', 'npm package spec or a local plugin directory / .tgz')
    .action(async (spec: string) => {
      const { runPluginInstall } = await import('./commands/plugin-install.js');
      out(await runPluginInstall(runtime(), spec, {}));
    });
  plugin
    .command('uninstall')
    .description("remove an installed plugin from ksa's plugin directory (npm uninstall) and from its lock")
    .argument('<id>', 'plugin id or npm package name (ksa plugin list)')
    .action(async (id: string) => {
      const { runPluginUninstall } = await import('./commands/plugin-uninstall.js');
      out(await runPluginUninstall(runtime(), id, {}));
    });
  plugin
    .command('health')
    .description("run each plugin's health check in its host: state, latency, last error")
    .argument('[id]', 'plugin id (default: all)')
    .option('--json', 'JSON (schema: ksa schema health)')
    .option('-t, --timeout <duration>', 'deadline per plugin', '10s')
    .action(async (id: string | undefined, flags) => {
      const { runPluginHealth } = await import('./commands/plugin.js');
      const { text, healthy } = await runPluginHealth(runtime(), id, flags);
      out(text);
      exitCode = healthy ? 0 : 2;
    });

  program
    .command('explain')
    .description('explain checks: what they find, why it matters, thresholds with sources, the fix (ksa explain <check id>)')
    .argument('<id...>', 'check id, finding id (<check id>.<suffix>), or a middleware type / plugin id for all its checks')
    .option('--load', "external plugins: import the plugin in its sandbox to list its thresholds (runs the plugin's code)")
    .option('--json', 'JSON')
    .action(async (ids: string[], flags) => {
      const { runExplain } = await import('./commands/explain.js');
      out(await runExplain(runtime(), ids, flags));
    });

  program
    .command('schema')
    .description('print the JSON Schema of the JSON report (or of plugins, health, snapshot, events, notification)')
    .argument('[kind]', 'report | plugins | health | snapshot | events | notification', 'report')
    .action(async (kind: string) => {
      const { runSchema } = await import('./commands/schema.js');
      runtime();
      out(runSchema(kind));
    });

  program
    .command('completion')
    .description('print a shell completion script: eval "$(ksa completion bash)" (zsh: the same; fish: ksa completion fish | source)')
    .addArgument(new Argument('<shell>', 'bash | zsh | fish').choices(SHELLS))
    .action((shell: Shell) => { out(completionScript(shell)); });
  // Hidden: what the completion scripts call on <TAB> (the raw words after `--`, never parsed as
  // options), and the man page generator (npm run docs:man); both walk this program's definitions.
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async () => {
      const { completeWords } = await import('./completion/complete.js');
      const at = argv.indexOf('__complete');
      out(await completeWords(program, argv.slice(at + (argv[at + 1] === '--' ? 2 : 1))));
    });
  program
    .command('__man', { hidden: true })
    .action(async () => {
      const { manPage } = await import('./man/man-page.js');
      out(await manPage(program, version));
    });

  // Our own `help [command...]` (replacing commander's) so `ksa help diagnose` loads the manifests too.
  program
    .command('help')
    .description('display help for a command, e.g. ksa help diagnose')
    .argument('[command...]', 'command path')
    .action(async (names: string[]) => {
      const { helpTarget } = await import('./parse-hints.js');
      const target = helpTarget(program, names);
      if (target.name() === 'diagnose' || target.name() === 'action') await addPluginFlagsTo(target, true);
      target.outputHelp();
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportFailure(error, debug, program, argv, missingIn);
  }
}

/** `--quiet` replaces the table only: JSON, Nagios and JUnit are read by machines, whole. */
function outputFormat(flags: { json?: boolean; output: OutputFormat; quiet?: boolean }): OutputFormat {
  const format: OutputFormat = flags.json ? 'json' : flags.output;
  if (flags.quiet && format !== 'table') {
    throw ksaError('KSA_ERR_BAD_INPUT', `--quiet replaces the table with the one-line verdict; it does not combine with --output ${format}`, { fix: `drop --quiet, or drop ${flags.json ? '--json' : `--output ${format}`}` });
  }
  return format;
}

/** The one-line verdict: the Nagios status line without its perfdata (the same words as the exit code). */
async function verdictLine(report: Report): Promise<string> {
  const first = (await RENDERERS.nagios())(report, { color: false }).split('\n')[0] ?? '';
  const bar = first.indexOf('|');
  return `${(bar >= 0 ? first.slice(0, bar) : first).trimEnd()}\n`;
}

function printError(error: KsaError): void {
  process.stderr.write(`ksa: ${error.code} ${error.message.split('\n')[0]}\n`);
}

function reportFailure(error: unknown, debug: boolean, program: Command, argv: readonly string[], missingIn: Command | undefined): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help' && error.exitCode === 0) return 0;
    // Missing subcommand: the help is already on stderr; the coded line follows it.
    const { message, fix } = error.code === 'commander.help' ? missingSubcommand(missingIn ?? program) : describeParseError(error, program, argv);
    printError(ksaError('KSA_ERR_BAD_INPUT', message, { fix }));
    return 3;
  }
  const info = toErrorInfo(error);
  process.stderr.write(`ksa: ${info.code} ${info.message.split('\n')[0]}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 3;
}

/** The options of the watch loop itself, shared by `ksa watch` and `ksa serve` (the same loop). */
function loopOptions(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'state and journal (default: KSA_STATE_DIR, $XDG_STATE_HOME/ksa or ~/.local/state/ksa)')
    .option('--watch-config', 'reload ksa.yaml when the file changes (as on SIGHUP)')
    .option('--grace <duration>', 'on SIGTERM/SIGINT, how long cycles in flight may finish', '10s')
    .option('--fail-on <level>', 'what counts as failing for the gate and the alerts: warning | critical (default: ksa.yaml or warning)')
    .option('--health-every <duration>', 'self-health events this often', '60s')
    .option('--enforce', 'recovery rules run their actions (default: dry-run, unless recovery.mode: enforce; docs/RECOVERY.md)');
}
