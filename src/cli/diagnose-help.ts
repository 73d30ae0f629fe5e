// The part of `ksa diagnose --help` that depends on the plugins: the middleware types, one
// example per line and the credential variables, all read from the loaded manifests (built-in
// and --plugin ones), so that the CLI itself names no middleware.
import { conventionalPasswordEnv } from '../config/secrets.js';
import { optionKeysWithoutFlag } from './option-lines.js';
import type { Manifest } from '../core/types.js';
import { compareText } from '../core/compare-text.js';

export function diagnoseHelp(manifests: readonly Manifest[]): string {
  const middleware = manifests.filter((m): m is Manifest & { middleware: string } => m.type === 'middleware' && m.middleware !== undefined)
    .sort((a, b) => compareText(a.middleware, b.middleware));
  if (middleware.length === 0) return '\nNo middleware plugin is loaded (ksa plugin list).';
  const width = Math.max(...middleware.map((m) => m.middleware.length));
  const types = middleware.map((m) => `  ${m.middleware.padEnd(width)}  ${m.id} ${m.version}${m.defaultPort ? `, default port ${m.defaultPort}` : ''}; categories: ${m.categories.join(', ')}`);
  const examples = middleware.flatMap((m) => (m.examples ?? []).map((e) => `  ${e.command}\n      ${e.description}`));
  const credentials = middleware.map((m) => `  ${m.middleware.padEnd(width)}  ${conventionalPasswordEnv(m).join(', ')}`);
  const optionKeys = optionKeysWithoutFlag(middleware);
  return [
    '',
    'Middleware types (from the plugin manifests):',
    ...types,
    '',
    'Plugin options above apply to the type given; more with --option key=value (ksa plugin info <type> describes all):',
    ...(optionKeys.length > 0 ? optionKeys : ['  (none)']),
    '',
    'Examples:',
    ...examples,
    '  ksa diagnose --config ksa.yaml --output junit > ksa.xml',
    '      every target of a ksa.yaml, as JUnit for CI (ksa config example writes one)',
    '',
    'Password, first found: --password-file, --password-env VAR, --password (warned: visible in ps),',
    'a password in the endpoint URL (warned), then these variables:',
    ...credentials,
  ].join('\n');
}
