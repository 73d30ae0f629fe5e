// The part of `ksa action --help` that depends on the plugins: one example per declared action of
// the loaded middleware plugins, and the ksa.yaml form, read from the manifests so that the CLI
// itself names no middleware.
import { compareText } from '../core/compare-text.js';
import type { ActionSpec, Manifest } from '../core/types.js';

export function actionHelp(manifests: readonly Manifest[]): string {
  const withActions = manifests.filter((m): m is Manifest & { middleware: string } => m.type === 'middleware' && m.middleware !== undefined && m.actions.length > 0)
    .sort((a, b) => compareText(a.middleware, b.middleware));
  const examples = withActions.flatMap((m) => m.actions.map((a) => `  ksa action ${m.middleware} ${a.name} 127.0.0.1:${m.defaultPort ?? '<port>'}${paramWords(a)}${a.mutating ? ' --allow-write' : ''}`));
  const configured = withActions.flatMap((m) => m.actions.filter((a) => a.mutating).map((a) => ({ m, a })))[0];
  return [
    '',
    'Examples (the actions the loaded plugins declare; ksa plugin info <type> describes them):',
    ...(examples.length > 0 ? examples : ['  (no loaded plugin declares an action)']),
    `  ksa action --config ksa.yaml --target <name> ${configured ? `${configured.a.name}${paramWords(configured.a)}` : '<action>'} --allow-write`,
    '      on a ksa.yaml target: its type, endpoints, credentials and options from the file; recorded in',
    '      the state dir (as for ksa watch) under the target\'s name, like the recovery engine\'s actions:',
    '      refused while the engine acts on that target, listed by ksa recovery history --target <name>',
  ].join('\n');
}

function paramWords(a: ActionSpec): string {
  return Object.entries(a.params ?? {}).filter(([, p]) => p.required === true).map(([k, p]) => ` --param ${k}=<${p.type}>`).join('');
}
