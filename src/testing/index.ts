// @kubestack/ksa/testing: the contract-test kit for plugin authors (run under vitest or any describe/it runner).
export { PluginTester, testPlugin } from './plugin-tester.js';
export type { PluginTestSpec, LiveSpec, TestRunner, AnyPluginModule } from './plugin-tester.js';
export { ContractError } from './contract-error.js';
export { CheckCaseSchema, parseCase } from './cases.js';
export type { CheckCase, ExpectedFinding } from './cases.js';
export { loadManifest, manifestProblems } from './manifest-contract.js';
export { makeContext, runLive, startHangingServer, targetOf, abortProblems, guardProblems } from './live.js';
export type { TargetSpec, LiveRun, LogLine, HangingServer, AbortOptions, GuardOptions, ContextOptions } from './live.js';
export { NotifierTester, testNotifier } from './notifier-tester.js';
export type { NotifierTestSpec, AnyNotifierModule } from './notifier-tester.js';
export { sampleNotification } from '../notify/sample-notification.js';
export type { SampleOptions } from '../notify/sample-notification.js';
