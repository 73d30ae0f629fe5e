// PluginTester: the contract a plugin must meet, as assertions (usable in any test runner) and as
// testPlugin(), which registers one test per contract item under vitest (or any describe/it).
import { validateManifest } from '../core/manifest-reader.js';
import { ContractError, throwIfProblems } from './contract-error.js';
import { loadManifest, manifestProblems } from './manifest-contract.js';
import { runCase, type CheckCase } from './cases.js';
import { abortProblems, guardProblems, runLive, type AbortOptions, type GuardOptions, type LiveRun, type TargetSpec } from './live.js';
import type { MiddlewarePluginModule } from '../sdk/define-plugin.js';
import type { DiagnosticResult, Manifest, ManifestInput, Status } from '../core/types.js';

// Any data/connection types: the kit only passes them through.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluginModule = MiddlewarePluginModule<any, any>;

type Lazy<T> = T | (() => T | Promise<T>);

export interface LiveSpec {
  /** The server to diagnose; a function when the server starts in beforeAll. */
  target: Lazy<TargetSpec>;
  categories?: string[];
  timeoutMs?: number;
  /** Allowed statuses of the live result (default: any). */
  status?: Status[];
}

export interface PluginTestSpec {
  module: AnyPluginModule;
  /** The manifest object, or where to read it (package dir, plugin.yaml, package.json, manifests/x.yaml). */
  manifest?: Manifest | ManifestInput;
  manifestPath?: string;
  cases?: CheckCase[];
  /** Require every check to produce a finding in at least one case (default true when cases are given). */
  coverage?: boolean;
  /** AbortSignal contract; false to skip (say why in your test). */
  abort?: (Omit<AbortOptions, 'target'> & { target?: Lazy<TargetSpec> }) | false;
  /** Guard contract; false to skip. */
  guard?: (Omit<GuardOptions, 'target'> & { target?: Lazy<TargetSpec> }) | false;
  live?: LiveSpec;
}

// Shaped like vitest's and mocha's describe/it, so either can be passed in.
export interface TestRunner {
  describe(name: string, fn: () => void): unknown;
  it(name: string, fn: () => Promise<void> | void, timeout?: number): unknown;
}

async function resolveLazy<T>(v: Lazy<T>): Promise<T> {
  return typeof v === 'function' ? (v as () => T | Promise<T>)() : v;
}

export class PluginTester {
  /** Like RuleTester: set once (e.g. in a setup file) or pass a runner to testPlugin. */
  static describe: TestRunner['describe'] | undefined;
  static it: TestRunner['it'] | undefined;

  readonly module: AnyPluginModule;
  readonly manifest: Manifest;

  constructor(module: AnyPluginModule, manifest: string | Manifest | ManifestInput) {
    if (!module || module.kind !== 'ksa-middleware-plugin') {
      throw new ContractError('not a plugin module', ['export default defineMiddlewarePlugin({...}) and pass that default export']);
    }
    this.module = module;
    this.manifest = typeof manifest === 'string' ? loadManifest(manifest) : validateManifest(manifest, 'manifest object');
  }

  /** Manifest vs code: ids, categories, checks, actions (and their mutating flag). */
  validateManifest(): void {
    throwIfProblems(`plugin ${this.manifest.id}: manifest and code disagree`, manifestProblems(this.module, this.manifest));
  }

  /** One case: its findings must match exactly; returns the (schema-valid) result. */
  runCase(kase: CheckCase): DiagnosticResult {
    const { result, problems } = runCase(this.module, this.manifest, kase, 0);
    throwIfProblems(`plugin ${this.manifest.id}`, problems);
    return result!;
  }

  /** Every case; all problems of all cases reported together. */
  runCases(cases: readonly CheckCase[]): DiagnosticResult[] {
    const outcomes = cases.map((c, i) => runCase(this.module, this.manifest, c, i));
    throwIfProblems(`plugin ${this.manifest.id}: check cases failed`, outcomes.flatMap((o) => o.problems));
    return outcomes.map((o) => o.result!);
  }

  /** Checks that never produced a finding in any case (untested thresholds and states). */
  uncoveredChecks(cases: readonly CheckCase[]): string[] {
    const fired = new Set<string>();
    for (const [i, c] of cases.entries()) {
      for (const f of runCase(this.module, this.manifest, c, i).result?.findings ?? []) fired.add(f.id);
    }
    return this.module.parts.checks.map((c) => c.id).filter((id) => ![...fired].some((f) => f === id || f.startsWith(`${id}.`)));
  }

  assertCoverage(cases: readonly CheckCase[]): void {
    throwIfProblems(`plugin ${this.manifest.id}: checks without a case that makes them fire`, this.uncoveredChecks(cases).map((id) => `${id}: add a case whose data makes it report`));
  }

  async assertAbortable(options: AbortOptions = {}): Promise<void> {
    throwIfProblems(`plugin ${this.manifest.id}: AbortSignal not honoured`, await abortProblems(this.module, this.manifest, options));
  }

  async assertGuarded(options: GuardOptions = {}): Promise<void> {
    throwIfProblems(`plugin ${this.manifest.id}: operation guard not in the path`, await guardProblems(this.module, this.manifest, options));
  }

  /** A live run; throws on contract problems (undeclared operation, invalid result, non-JSON data). */
  async run(target: TargetSpec, opts: { categories?: string[]; timeoutMs?: number } = {}): Promise<LiveRun> {
    let run: LiveRun;
    try {
      run = await runLive(this.module, this.manifest, target, opts);
    } catch (error) {
      if ((error as { contract?: boolean }).contract) throw new ContractError(`plugin ${this.manifest.id}`, [`${(error as Error).message}; declare it in the manifest operations: or stop sending it`]);
      throw error;
    }
    throwIfProblems(`plugin ${this.manifest.id}: live run`, run.problems);
    return run;
  }
}

/** Registers the whole contract as tests: `testPlugin({ module, manifestPath, cases }, { describe, it })`. */
export function testPlugin(spec: PluginTestSpec, runner?: TestRunner): void {
  const g = globalThis as Partial<TestRunner>;
  const describe = runner?.describe ?? PluginTester.describe ?? g.describe;
  const it = runner?.it ?? PluginTester.it ?? g.it;
  if (!describe || !it) {
    throw new Error('testPlugin needs describe/it: pass them (`testPlugin(spec, { describe, it })` with imports from vitest) or enable vitest globals');
  }
  const manifestSource = spec.manifest ?? spec.manifestPath;
  if (manifestSource === undefined) throw new Error('testPlugin: give manifest or manifestPath');
  const tester = new PluginTester(spec.module, manifestSource);
  const cases = spec.cases ?? [];
  describe(`plugin ${tester.manifest.id} contract`, () => {
    it('manifest matches the code (ids, categories, checks, actions)', () => tester.validateManifest());
    for (const [i, c] of cases.entries()) {
      const name = typeof c?.name === 'string' ? c.name : `#${i}`;
      it(`case: ${name}`, () => { tester.runCases([c]); });
    }
    if (cases.length > 0 && spec.coverage !== false) it('every check fires in at least one case', () => tester.assertCoverage(cases));
    if (spec.abort !== false) {
      const o = spec.abort ?? {};
      it('honours ctx.signal (an aborted call rejects promptly)', async () => {
        const { target: lazy, ...rest } = o;
        const target = lazy === undefined ? undefined : await resolveLazy(lazy);
        await tester.assertAbortable({ ...rest, ...(target ? { target } : {}) });
      }, 10_000);
    }
    if (spec.guard !== false) {
      const o = spec.guard ?? {};
      it('routes operations through the guard (undeclared operations are refused)', async () => {
        const { target: lazy, ...rest } = o;
        const target = lazy === undefined ? undefined : await resolveLazy(lazy);
        await tester.assertGuarded({ ...rest, ...(target ? { target } : {}) });
      }, 10_000);
    }
    if (spec.live) {
      const live = spec.live;
      it('live run: declared operations only, schema-valid result', async () => {
        const run = await tester.run(await resolveLazy(live.target), { ...(live.categories ? { categories: live.categories } : {}), ...(live.timeoutMs ? { timeoutMs: live.timeoutMs } : {}) });
        if (live.status && !live.status.includes(run.result.status)) {
          throw new ContractError(`plugin ${tester.manifest.id}: live run`, [`status ${run.result.status}, expected one of ${live.status.join(', ')}`]);
        }
      }, (live.timeoutMs ?? 10_000) + 5_000);
    }
  });
}
