// Messages between the main thread and an isolation host (worker thread or child process).
import type { NotifierDelivery } from '../../notify/notification.js';
import type { DiagnoseOptions, DiagnosticResult, ErrorInfo, LogLevel, Manifest, MiddlewareTarget, Snapshot } from '../types.js';

/** Lifecycle hooks of the host's plugin instance, then the calls it serves. */
export type HostMethod = 'init' | 'start' | 'stop' | 'reload' | 'diagnose' | 'analyze' | 'health' | 'metrics' | 'execute' | 'describe'
  | 'sessionOpen' | 'sessionDiagnose' | 'sessionClose' | 'notify';

export interface PluginRef {
  manifest: Manifest;
  /** file:// URL of the plugin's ESM entry. */
  entryUrl: string;
  config: Record<string, unknown>;
}

export interface DiagnosePayload {
  plugin: PluginRef;
  target: MiddlewareTarget;
  opts: DiagnoseOptions;
  withSnapshot: boolean;
}

/** A kept session (watch): opened once per target, diagnosed every cycle, closed on failure or stop. */
export interface SessionOpenPayload {
  plugin: PluginRef;
  session: string;
  target: MiddlewareTarget;
}

/**
 * No plugin ref: the host keeps the one the session was opened with (sessionOpen), so a watch
 * cycle does not clone the whole manifest (~20 KB) to the host and back every time.
 */
export interface SessionDiagnosePayload {
  session: string;
  opts: DiagnoseOptions;
  withSnapshot: boolean;
}

export interface SessionClosePayload {
  plugin: PluginRef;
  session: string;
}

/** What the host sends back from a diagnosis: the redacted JSON text of a DiagnoseOutcome. */
export interface DiagnoseReply {
  /**
   * Text, not an object: the host serialises the outcome once anyway (redaction works on the text),
   * and a string crosses the worker boundary as one copy instead of a structured clone of the
   * whole result; the manager parses it once, then checks it with the result schema.
   */
  json: string;
}

export interface DiagnoseOutcome {
  result: DiagnosticResult;
  snapshot?: Snapshot;
}

export interface AnalyzePayload {
  plugin: PluginRef;
  snapshot: Snapshot;
  opts: DiagnoseOptions;
}

export interface ExecutePayload {
  plugin: PluginRef;
  target: MiddlewareTarget;
  action: string;
  params: Record<string, unknown>;
  allowWrite: boolean;
}

/** A notifier's send(): one delivery attempt of a notification to one receiver. */
export interface NotifyPayload {
  plugin: PluginRef;
  delivery: NotifierDelivery;
}

export type ToHost =
  | { type: 'call'; id: number; method: HostMethod; payload: unknown; deadline: number }
  | { type: 'abort'; id: number }
  | { type: 'ping'; id: number }
  /** Start importing a plugin module now (start-up overlap); errors surface at the first call. */
  | { type: 'preload'; entryUrl: string };

export type FromHost =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: ErrorInfo; stack?: string }
  | { type: 'pong'; id: number }
  | { type: 'log'; level: LogLevel; message: string; fields?: Record<string, unknown> }
  /** The host is about to die (uncaught exception, unhandled rejection). */
  | { type: 'fatal'; error: ErrorInfo; stack?: string };
