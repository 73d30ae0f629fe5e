// The contract kit for notifier plugins (and user hooks): the manifest agrees with the code, the
// receiver config is checked as ksa checks it, send() answers a valid outcome for a firing and a
// resolved notification, secret options never appear in the outcome, and send() honours ctx.signal.
// Usable as assertions in any runner, or as testNotifier(), one test per contract item.
import { resolveOptions, secretOptionValues } from '../core/plugin-options.js';
import { validateManifest } from '../core/manifest-reader.js';
import { redactSecrets } from '../core/redact.js';
import { firstIssue } from '../core/zod-issues.js';
import { DeliveryOutcomeSchema, type DeliveryOutcome, type Notification } from '../notify/notification.js';
import { sampleNotification } from '../notify/sample-notification.js';
import type { NotifierPluginModule } from '../sdk/define-notifier.js';
import type { Manifest, ManifestInput } from '../core/types.js';
import { ContractError, throwIfProblems } from './contract-error.js';
import { loadManifest } from './manifest-contract.js';
import { makeContext } from './live.js';
import type { TestRunner } from './plugin-tester.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNotifierModule = NotifierPluginModule<any>;

type Lazy<T> = T | (() => T | Promise<T>);
const resolveLazy = async <T>(v: Lazy<T>): Promise<T> => (typeof v === 'function' ? (v as () => T | Promise<T>)() : v);

export interface NotifierTestSpec {
  module: AnyNotifierModule;
  manifest?: Manifest | ManifestInput;
  manifestPath?: string;
  /** notify.receivers.<name>.config for a receiver that accepts (e.g. a local HTTP server the test runs). */
  config: Lazy<Record<string, unknown>>;
  /** A config whose receiver never answers (accepts the connection, then nothing): for the abort item; false to skip (say why). */
  hangingConfig?: Lazy<Record<string, unknown>> | false;
  timeoutMs?: number;
}

export class NotifierTester {
  readonly module: AnyNotifierModule;
  readonly manifest: Manifest;

  constructor(module: AnyNotifierModule, manifest: string | Manifest | ManifestInput) {
    if (!module || module.kind !== 'ksa-notifier-plugin') {
      throw new ContractError('not a notifier module', ['export default defineNotifierPlugin({...}) and pass that default export']);
    }
    this.module = module;
    this.manifest = typeof manifest === 'string' ? loadManifest(manifest) : validateManifest(manifest, 'manifest object');
  }

  /** id, version, type and API version agree between plugin.yaml and the code. */
  validateManifest(): void {
    const problems: string[] = [];
    const info = this.module.parts.info;
    if (this.manifest.id !== info.id) problems.push(`id: manifest says ${JSON.stringify(this.manifest.id)}, code says ${JSON.stringify(info.id)}`);
    if (this.manifest.version !== info.version) problems.push(`version: manifest says ${JSON.stringify(this.manifest.version)}, code says ${JSON.stringify(info.version)}`);
    if (this.manifest.type !== 'notifier') problems.push(`type: manifest says ${JSON.stringify(this.manifest.type)}, a defineNotifierPlugin module needs "notifier"`);
    if (this.module.apiVersion !== this.manifest.apiVersion) problems.push(`apiVersion: manifest says ${this.manifest.apiVersion}, the module was built for ${this.module.apiVersion}`);
    throwIfProblems(`notifier ${this.manifest.id}: manifest and code disagree`, problems);
  }

  /** The receiver config as ksa would hand it over (declared options, coerced, defaults); throws on a problem. */
  checkConfig(config: Record<string, unknown>): Record<string, unknown> {
    const { values, problems } = resolveOptions(this.manifest, [{ name: (k) => `config.${k}`, values: config, scope: 'target' }], 'target');
    throwIfProblems(`notifier ${this.manifest.id}: receiver config`, problems.map((p) => `${p.message} (${p.fix})`));
    return values;
  }

  /**
   * One send() as ksa makes it (a fresh instance: init, start, send, stop) with a checked config;
   * returns the outcome after checking it against the contract (schema, no secrets in it).
   */
  async deliver(config: Record<string, unknown>, notification: Notification = sampleNotification(), options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<DeliveryOutcome> {
    const checked = this.checkConfig(config);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const ctx = makeContext(this.manifest, { deadline: Date.now() + timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    const instance = this.module.create();
    await instance.init(ctx, { enabled: true, config: {} });
    await instance.start(ctx);
    try {
      const raw = await instance.send(ctx, { notification, receiver: notification.receiver, config: checked, timeoutMs });
      const parsed = DeliveryOutcomeSchema.safeParse(raw);
      if (!parsed.success) throw new ContractError(`notifier ${this.manifest.id}: send()`, [`answered an invalid outcome (${firstIssue(parsed.error)}): return { outcome: 'sent' | 'retry' | 'failed', detail }`]);
      const secrets = secretOptionValues(this.manifest, checked);
      const text = JSON.stringify(parsed.data);
      if (redactSecrets(text, secrets) !== text) throw new ContractError(`notifier ${this.manifest.id}: send()`, ['its outcome repeats a secret option\'s value (a URL token, a password): leave it out of detail']);
      return parsed.data;
    } finally {
      await instance.stop(makeContext(this.manifest)).catch(() => undefined);
    }
  }

  /** send() to a receiver that never answers, aborted after 200 ms, must settle within 2 s of the abort. */
  async assertAbortable(hangingConfig: Record<string, unknown>): Promise<void> {
    const controller = new AbortController();
    const t0 = Date.now();
    setTimeout(() => controller.abort(new Error('aborted by the contract test')), 200).unref();
    const settled = await Promise.race([
      this.deliver(hangingConfig, sampleNotification(), { timeoutMs: 60_000, signal: controller.signal }).then(() => true, () => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 2200).unref()),
    ]);
    if (!settled) throw new ContractError(`notifier ${this.manifest.id}: AbortSignal not honoured`, [`send() was still running ${Date.now() - t0} ms after ctx.signal aborted: pass ctx.signal to your HTTP/SMTP client`]);
  }
}

/** Registers the notifier contract as tests: `testNotifier({ module, manifestPath, config }, { describe, it })`. */
export function testNotifier(spec: NotifierTestSpec, runner?: TestRunner): void {
  const g = globalThis as Partial<TestRunner>;
  const describe = runner?.describe ?? g.describe;
  const it = runner?.it ?? g.it;
  if (!describe || !it) throw new Error('testNotifier needs describe/it: pass them (`testNotifier(spec, { describe, it })`) or enable vitest globals');
  const source = spec.manifest ?? spec.manifestPath;
  if (source === undefined) throw new Error('testNotifier: give manifest or manifestPath');
  const tester = new NotifierTester(spec.module, source);
  const timeout = (spec.timeoutMs ?? 10_000) + 5_000;
  describe(`notifier ${tester.manifest.id} contract`, () => {
    it('manifest matches the code (id, version, type notifier)', () => tester.validateManifest());
    for (const status of ['firing', 'resolved'] as const) {
      it(`delivers a ${status} notification (a valid outcome, no secret in it)`, async () => {
        const outcome = await tester.deliver(await resolveLazy(spec.config), sampleNotification({ status }), spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {});
        if (outcome.outcome !== 'sent') throw new ContractError(`notifier ${tester.manifest.id}`, [`the ${status} notification was not sent: ${outcome.outcome}: ${outcome.detail}`]);
      }, timeout);
    }
    if (spec.hangingConfig !== false && spec.hangingConfig !== undefined) {
      const hanging = spec.hangingConfig;
      it('honours ctx.signal (a send to a receiver that never answers stops when aborted)', async () => tester.assertAbortable(await resolveLazy(hanging)), 10_000);
    }
  });
}
