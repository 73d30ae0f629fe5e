// One attempt of an action, whatever runs it: a middleware plugin's action (in its host, as
// `ksa action` runs it) or a recovery plugin's command (the program, run by ksa: never a shell).
// Both end as the same Outcome shape, which goes to the events, the history and the audit log.
import { commandArgv, commandEnv, rollbackArgv, type CommandContext } from './command-line.js';
import { runProgram, type ProgramOutcome } from './run-program.js';
import type { ActionRef } from './action-catalog.js';
import type { Outcome } from './recovery-state.js';
import type { ActionOutcome, MiddlewareTarget } from '../core/types.js';

/** What runs actions: the PluginManager's execute (mutating actions allowed: the engine decided) and the program runner. */
export interface ActionPorts {
  execute(pluginId: string, target: MiddlewareTarget, action: string, params: Record<string, unknown>, timeoutMs: number): Promise<ActionOutcome>;
  run(argv: readonly string[], env: Readonly<Record<string, string>>, timeoutMs: number): Promise<ProgramOutcome>;
}

export const realPorts = (execute: ActionPorts['execute']): ActionPorts => ({ execute, run: runProgram });

/** The argv a command attempt runs (undefined for a plugin action). */
export function attemptArgv(ref: ActionRef, params: Readonly<Record<string, unknown>>, target: MiddlewareTarget): string[] | undefined {
  return ref.kind === 'command' ? commandArgv(ref.command.argv, params, targetScope(target)) : undefined;
}

export function targetScope(target: MiddlewareTarget): Record<string, unknown> {
  return { name: target.name, type: target.type };
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function programOutcome(p: ProgramOutcome, argv: readonly string[]): Outcome {
  const why = p.error ?? (p.exitCode === 0 ? 'exit code 0' : p.signal ? `ended by ${p.signal}` : `exit code ${p.exitCode}`);
  return {
    ok: p.ok,
    detail: clip(`${argv[0]}: ${why}`, 2000),
    exitCode: p.exitCode,
    ...(p.stdout ? { stdout: clip(p.stdout, 4000) } : {}),
    ...(p.stderr ? { stderr: clip(p.stderr, 4000) } : {}),
    durationMs: p.durationMs,
  };
}

export async function runAttempt(ports: ActionPorts, ref: ActionRef, target: MiddlewareTarget, params: Record<string, unknown>, ctx: CommandContext, timeoutMs: number): Promise<Outcome> {
  const started = Date.now();
  if (ref.kind === 'plugin') {
    const out = await ports.execute(ref.pluginId, target, ref.spec.name, params, timeoutMs).catch((e: unknown) => ({ ok: false, detail: (e as Error).message }));
    return { ok: out.ok, detail: clip(out.detail, 2000), durationMs: Date.now() - started };
  }
  const argv = commandArgv(ref.command.argv, params, targetScope(target));
  return programOutcome(await ports.run(argv, commandEnv(ctx), timeoutMs), argv);
}

/** The action's rollback, when it declares one and this attempt's parameters give it one. */
export async function runRollback(ports: ActionPorts, ref: ActionRef, target: MiddlewareTarget, params: Record<string, unknown>, ctx: CommandContext, timeoutMs: number): Promise<{ argv: string[]; outcome: Outcome } | undefined> {
  if (ref.kind !== 'command') return undefined;
  const argv = rollbackArgv(ref.command, params, targetScope(target));
  if (!argv) return undefined;
  return { argv, outcome: programOutcome(await ports.run(argv, commandEnv(ctx), timeoutMs), argv) };
}
