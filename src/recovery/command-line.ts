// A recovery plugin's command (manifest `commands:`) made concrete: its argv template filled with
// the checked parameters, and the environment the program gets. No shell ever sees it: each item
// is one argument. An item naming an optional parameter that was not given is left out whole
// (write options as one item, `--limit={{params.limit}}`, so none is left dangling).
import { lookup, plainValue, render } from './template.js';
import type { RecoveryCommand } from './action-catalog.js';

const PARAM_REF = /\{\{\s*params\.([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The argv for `template` (the command's argv or rollback) with these checked parameters. */
export function commandArgv(template: readonly string[], params: Readonly<Record<string, unknown>>, target: Readonly<Record<string, unknown>>): string[] {
  const scope = { params, target };
  const kept = template.filter((item) => [...item.matchAll(PARAM_REF)].every((m) => lookup(params, m[1]!).found));
  return (render(kept, scope, 'argv', plainValue) as unknown[]).map(String);
}

/** Whether the command declares a rollback and this attempt's parameters give it something to run. */
export function rollbackArgv(command: RecoveryCommand, params: Readonly<Record<string, unknown>>, target: Readonly<Record<string, unknown>>): string[] | undefined {
  if (!command.rollback) return undefined;
  const argv = commandArgv(command.rollback, params, target);
  return argv.length > 0 ? argv : undefined;
}

export interface CommandContext {
  target: { name: string; type: string; endpoints: readonly string[] };
  rule: string;
  episode: string;
  attempt: number;
  finding?: { id: string; node?: string; severity?: string } | undefined;
}

/** Variables the ambient environment may pass on (where programs are, the locale); nothing else, so no secret leaks in. */
const PASSED_ON = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'USER', 'LOGNAME', 'KUBECONFIG', 'SSH_AUTH_SOCK', 'ANSIBLE_CONFIG'];

/** What a recovery program finds in its environment (the man page lists it; commandEnv sets it). */
export const COMMAND_ENV_DOC: Record<string, string> = {
  KSA_TARGET: 'set for a recovery program: the target\'s name',
  KSA_TARGET_TYPE: 'set for a recovery program: the target\'s middleware type',
  KSA_ENDPOINT: 'set for a recovery program: the target\'s first endpoint (without user and password)',
  KSA_ENDPOINTS: 'set for a recovery program: every endpoint, comma-separated',
  KSA_RULE: 'set for a recovery program: the recovery rule that runs it',
  KSA_EPISODE: 'set for a recovery program: the episode of the finding (or unreachable target) it acts on',
  KSA_ATTEMPT: 'set for a recovery program: 1, 2, ... the attempt',
  KSA_FINDING_ID: 'set for a recovery program: the finding id (absent for an unreachable target)',
  KSA_FINDING_SEVERITY: 'set for a recovery program: warning or critical',
  KSA_FINDING_NODE: 'set for a recovery program: the node the finding names, if any',
};

/** The program's environment: the target and the finding, by name (endpoints without their userinfo). */
export function commandEnv(ctx: CommandContext, ambient: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const endpoints = ctx.target.endpoints.map((e) => e.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1'));
  const env: Record<string, string> = {};
  for (const k of PASSED_ON) if (ambient[k] !== undefined) env[k] = ambient[k]!;
  return {
    ...env,
    KSA_TARGET: ctx.target.name,
    KSA_TARGET_TYPE: ctx.target.type,
    KSA_ENDPOINT: endpoints[0] ?? '',
    KSA_ENDPOINTS: endpoints.join(','),
    KSA_RULE: ctx.rule,
    KSA_EPISODE: ctx.episode,
    KSA_ATTEMPT: String(ctx.attempt),
    ...(ctx.finding ? { KSA_FINDING_ID: ctx.finding.id, KSA_FINDING_SEVERITY: ctx.finding.severity ?? '', KSA_FINDING_NODE: ctx.finding.node ?? '' } : {}),
  };
}
