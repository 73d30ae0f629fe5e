// Plugins indexed by id, by type (plugin type and middleware type) and by state: O(1) lookups.
import { closestName } from './closest-name.js';
import { ksaError } from './errors.js';
import type { ErrorInfo, Manifest, PluginState } from './types.js';

export interface RegistryEntry {
  readonly manifest: Manifest;
  readonly source: 'builtin' | 'external';
  /** Directory the manifest came from (package root for external plugins). */
  readonly location: string;
  /** Absolute path of the ESM entry module (imported only inside an isolation host). */
  readonly entryPath: string;
  state: PluginState;
  lastError?: ErrorInfo;
}

export class PluginRegistry {
  private readonly byId = new Map<string, RegistryEntry>();
  private readonly byType = new Map<string, Set<string>>();
  private readonly byState = new Map<PluginState, Set<string>>();

  register(entry: RegistryEntry): void {
    const id = entry.manifest.id;
    const existing = this.byId.get(id);
    if (existing) {
      throw ksaError('KSA_ERR_DUPLICATE_PLUGIN', `plugin id ${id} from ${entry.location} is already registered from ${existing.location}`);
    }
    this.byId.set(id, entry);
    for (const key of typeKeys(entry.manifest)) addTo(this.byType, key, id);
    addTo(this.byState, entry.state, id);
  }

  unregister(id: string): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.byId.delete(id);
    for (const key of typeKeys(entry.manifest)) this.byType.get(key)?.delete(id);
    this.byState.get(entry.state)?.delete(id);
    return true;
  }

  get(id: string): RegistryEntry | undefined {
    return this.byId.get(id);
  }

  require(id: string): RegistryEntry {
    const entry = this.byId.get(id);
    if (!entry) throw ksaError('KSA_ERR_UNKNOWN_PLUGIN', `no plugin with id ${JSON.stringify(id)}`);
    return entry;
  }

  /**
   * What a user typed: a plugin id, or a middleware type one plugin diagnoses (`ksa plugin info
   * <type>`); otherwise an error naming the nearest id.
   */
  lookup(name: string): RegistryEntry {
    const entry = this.byId.get(name);
    if (entry) return entry;
    const forType = [...(this.byType.get(`middleware:${name}`) ?? [])];
    if (forType.length === 1) return this.byId.get(forType[0]!)!;
    if (forType.length > 1) throw ksaError('KSA_ERR_UNKNOWN_PLUGIN', `${JSON.stringify(name)} is diagnosed by ${forType.length} plugins, give one of their ids: ${forType.sort().join(', ')}`);
    const near = closestName(name, [...this.byId.keys(), ...[...this.byType.keys()].filter((t) => t.startsWith('middleware:')).map((t) => t.slice('middleware:'.length))]);
    throw ksaError('KSA_ERR_UNKNOWN_PLUGIN', `no plugin with id ${JSON.stringify(name)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`);
  }

  /** The plugin diagnosing a middleware type, or undefined. */
  getMiddlewarePlugin(middleware: string): RegistryEntry | undefined {
    const ids = this.byType.get(`middleware:${middleware}`);
    const first = ids?.values().next();
    return first && !first.done ? this.byId.get(first.value) : undefined;
  }

  /** `type` is a plugin type (`middleware`) or `middleware:<name>`. */
  listByType(type: string): RegistryEntry[] {
    return this.entriesOf(this.byType.get(type));
  }

  listByState(state: PluginState): RegistryEntry[] {
    return this.entriesOf(this.byState.get(state));
  }

  list(): RegistryEntry[] {
    return [...this.byId.values()];
  }

  middlewareTypes(): string[] {
    return [...this.byType.keys()].filter((k) => k.startsWith('middleware:') && (this.byType.get(k)?.size ?? 0) > 0).map((k) => k.slice(11)).sort();
  }

  getState(id: string): PluginState {
    return this.require(id).state;
  }

  /** Low-level index update; the lifecycle manager decides which transitions are legal. */
  setState(id: string, state: PluginState, lastError?: ErrorInfo): void {
    const entry = this.require(id);
    this.byState.get(entry.state)?.delete(id);
    entry.state = state;
    if (lastError) entry.lastError = lastError;
    addTo(this.byState, state, id);
  }

  private entriesOf(ids: Set<string> | undefined): RegistryEntry[] {
    return ids ? [...ids].map((id) => this.byId.get(id)).filter((e): e is RegistryEntry => e !== undefined) : [];
  }
}

function typeKeys(manifest: Manifest): string[] {
  return manifest.middleware ? [manifest.type, `middleware:${manifest.middleware}`] : [manifest.type];
}

function addTo<K>(index: Map<K, Set<string>>, key: K, id: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
}
