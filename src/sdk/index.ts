// @kubestack/ksa/sdk: the public API for plugin authors. Built-in plugins import exactly this.
export { defineMiddlewarePlugin, analyzeSnapshot, unknownResult, isMiddlewarePluginModule } from './define-plugin.js';
export type { MiddlewarePluginParts, MiddlewarePluginModule, CollectOutput, ActionDefinition } from './define-plugin.js';
export { defineCheck, createCheckContext, roundToHundredths } from './checks.js';
export type { CheckDefinition, CheckContext, FindingDraft } from './checks.js';
export { defineThreshold, defineStateRule, isStateRule, thresholdsIn, judgeValue, applyOverride } from './thresholds.js';
export type { ThresholdSpec } from './thresholds.js';
export { createOperationGuard, normalizeOperation, sqlOperationOf } from './guard.js';
export type { OperationGuard, Operation } from './guard.js';
export { abortedError, raceAbort } from './abort.js';
export { sqlOperationsOf } from './sql-operations.js';
export type { SqlDialect } from './sql-tokens.js';
export { KsaError, ksaError } from '../core/errors.js';
export type { ErrorCode } from '../core/errors.js';
export { parseEndpoint } from '../core/endpoint.js';
export type { ParsedEndpoint } from '../core/endpoint.js';
export { redactEndpoint, redactSecrets } from '../core/redact.js';
export type * from '../core/types.js';
