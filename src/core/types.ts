// Types inferred from the zod schemas (the single source of truth) plus the plugin interfaces,
// which are functions and so live here rather than in a schema.
import type { z } from 'zod';
import type * as S from './schemas.js';
import type { DeliveryOutcome, NotifierDelivery } from '../notify/notification.js';

export type Severity = z.infer<typeof S.SeveritySchema>;
export type Status = z.infer<typeof S.StatusSchema>;
export type PluginState = z.infer<typeof S.PluginStateSchema>;
export type PluginType = z.infer<typeof S.PluginTypeSchema>;
export type Capability = z.infer<typeof S.CapabilitySchema>;
export type Manifest = z.infer<typeof S.ManifestSchema>;
export type ManifestInput = z.input<typeof S.ManifestSchema>;
export type ActionSpec = z.infer<typeof S.ActionSpecSchema>;
export type OptionSpec = z.infer<typeof S.OptionSpecSchema>;
export type PluginInfo = z.infer<typeof S.PluginInfoSchema>;
export type PluginConfig = z.infer<typeof S.PluginConfigSchema>;
export type TlsOptions = z.infer<typeof S.TlsOptionsSchema>;
export type Auth = z.infer<typeof S.AuthSchema>;
export type MiddlewareTarget = z.infer<typeof S.MiddlewareTargetSchema>;
export type MiddlewareTargetInput = z.input<typeof S.MiddlewareTargetSchema>;
export type ThresholdOverride = z.infer<typeof S.ThresholdOverrideSchema>;
export type DiagnoseOptions = z.infer<typeof S.DiagnoseOptionsSchema>;
export type Observed = z.infer<typeof S.ObservedSchema>;
export type Threshold = z.infer<typeof S.ThresholdSchema>;
export type Finding = z.infer<typeof S.FindingSchema>;
export type FindingInput = z.input<typeof S.FindingSchema>;
export type ErrorInfo = z.infer<typeof S.ErrorInfoSchema>;
export type CategoryResult = z.infer<typeof S.CategoryResultSchema>;
export type DiagnosticResult = z.infer<typeof S.DiagnosticResultSchema>;
export type Report = z.infer<typeof S.ReportSchema>;
export type Measurement = z.infer<typeof S.MeasurementSchema>;
export type PluginListing = z.infer<typeof S.PluginListingSchema>;
export type HealthReport = z.infer<typeof S.HealthReportSchema>;
export type ThresholdDefault = z.infer<typeof S.ThresholdDefaultSchema>;
export type PluginDescription = z.infer<typeof S.PluginDescriptionSchema>;
export type Snapshot<D = Record<string, unknown>> = Omit<z.infer<typeof S.SnapshotSchema>, 'data'> & { data: D };
export type SnapshotFailure = z.infer<typeof S.SnapshotFailureSchema>;

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** Everything a plugin may use is passed in: no process globals, no printing, no exiting. */
export interface PluginContext {
  readonly pluginId: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly config: Record<string, unknown>;
  /** Absolute time (ms since epoch) by which the current call must finish. */
  readonly deadline: number;
  /** Operations the manifest declares; drivers are wrapped in a guard built from these. */
  readonly operations: readonly string[];
  /** Whether a mutating action may run (`--allow-write`). Diagnosis never writes regardless. */
  readonly allowWrite: boolean;
  /**
   * The manifest's `defaultPort`, the one source of it: ksa checks endpoints with it, and the plugin
   * passes it to parseEndpoint for an endpoint without a port (instead of a constant of its own).
   */
  readonly defaultPort?: number;
}

export interface HealthStatus {
  healthy: boolean;
  detail?: string;
}

/**
 * Lifecycle of THE instance a host keeps and serves every call with. Each hook runs under its own
 * deadline (ctx.deadline, ctx.signal): init(config) -> start -> calls... -> stop; reload applies a
 * new config to the same instance (its open sessions are closed first).
 */
export interface Plugin {
  info(): PluginInfo;
  init(ctx: PluginContext, config: PluginConfig): Promise<void>;
  start(ctx: PluginContext): Promise<void>;
  stop(ctx: PluginContext): Promise<void>;
  reload(ctx: PluginContext, config: PluginConfig): Promise<void>;
  healthCheck(ctx: PluginContext): Promise<HealthStatus>;
}

export interface ActionOutcome {
  ok: boolean;
  detail: string;
  data?: Record<string, unknown>;
}

/**
 * One target's connection on an instance: connect once, collect many (a long-running caller keeps
 * it between cycles). Several sessions of one instance serve different targets concurrently.
 */
export interface MiddlewareSession {
  collect(ctx: PluginContext, opts: DiagnoseOptions): Promise<Snapshot>;
  getMetrics(ctx: PluginContext): Promise<Record<string, number>>;
  /** Runs a declared action; whether it may run (unknown, --allow-write) was decided by the manager. */
  execute(ctx: PluginContext, action: string, params: Record<string, unknown>): Promise<ActionOutcome>;
  close(ctx: PluginContext): Promise<void>;
}

export interface MiddlewarePlugin extends Plugin {
  readonly middlewareType: string;
  readonly supportedVersions: readonly string[];
  openSession(ctx: PluginContext, target: MiddlewareTarget): Promise<MiddlewareSession>;
  /** connect/collect/disconnect: a single default session, for one-target use (tests, the kit). */
  connect(ctx: PluginContext, target: MiddlewareTarget): Promise<void>;
  disconnect(ctx: PluginContext): Promise<void>;
  /** Collect a snapshot from the connected target (I/O only). */
  collect(ctx: PluginContext, opts: DiagnoseOptions): Promise<Snapshot>;
  /** Pure: findings from a snapshot. Used live and by `ksa analyze`. */
  analyze(snapshot: Snapshot, opts: DiagnoseOptions): DiagnosticResult;
  diagnose(ctx: PluginContext, opts: DiagnoseOptions): Promise<DiagnosticResult>;
  getMetrics(ctx: PluginContext): Promise<Record<string, number>>;
  execute(ctx: PluginContext, action: string, params: Record<string, unknown>): Promise<ActionOutcome>;
}

/**
 * A notifier (issue 18; also the user hook of the watch loop): hands a notification to a receiver.
 * The same lifecycle as every plugin; send() runs under the receiver's timeout (ctx.deadline),
 * isolated like any plugin call. It answers sent, retry or failed; a throw counts as retry.
 */
export interface NotifierPlugin extends Plugin {
  send(ctx: PluginContext, delivery: NotifierDelivery): Promise<DeliveryOutcome>;
}
