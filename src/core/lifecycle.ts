// The plugin state machine as one transition table, lifecycle hooks as subscribable events, and
// dependency-ordered startAll/stopAll. The actual work of each step is delegated to a driver
// (the PluginManager), so this file stays about *when*, not *how*. Every step is given its own
// deadline by the caller, and hands it to the driver: nothing is remembered on the side.
import { ksaError, toErrorInfo } from './errors.js';
import type { PluginRegistry } from './registry.js';
import type { ErrorInfo, PluginState } from './types.js';

export const TRANSITIONS: Record<PluginState, readonly PluginState[]> = {
  Unloaded: ['Loaded', 'Failed'],
  Loaded: ['Initialized', 'Unloaded', 'Failed'],
  Initialized: ['Running', 'Loaded', 'Failed'],
  Running: ['Stopped', 'Failed'],
  Stopped: ['Loaded', 'Unloaded', 'Failed'],
  Failed: ['Loaded', 'Unloaded'],
};

export type LifecycleEvent =
  | 'beforeInit' | 'afterInit' | 'beforeStart' | 'afterStart' | 'beforeStop' | 'afterStop'
  | 'beforeReload' | 'afterReload' | 'stateChange' | 'failed';

export interface LifecyclePayload {
  id: string;
  from: PluginState;
  to: PluginState;
  error?: ErrorInfo;
}

/**
 * What each step does; the manager implements it (spawn a host, import, run the instance's hook).
 * `deadline` is absolute (ms since epoch): the hook's own time limit.
 */
export interface LifecycleDriver {
  init(id: string, deadline: number): Promise<void>;
  start(id: string, deadline: number): Promise<void>;
  stop(id: string, deadline: number): Promise<void>;
  /** Re-initialises the live instance in place with the current config (its reload hook). */
  reload(id: string, deadline: number): Promise<void>;
}

type Listener = (payload: LifecyclePayload) => void;

export class LifecycleManager {
  private readonly listeners = new Map<LifecycleEvent, Set<Listener>>();

  constructor(
    private readonly registry: PluginRegistry,
    private readonly driver: LifecycleDriver,
    private readonly dependencyOrder: () => string[],
  ) {}

  on(event: LifecycleEvent, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  canTransition(from: PluginState, to: PluginState): boolean {
    return TRANSITIONS[from].includes(to);
  }

  /** Moves a plugin to `to`, or throws KSA_ERR_ILLEGAL_TRANSITION. */
  transition(id: string, to: PluginState, error?: ErrorInfo): void {
    const from = this.registry.getState(id);
    if (!this.canTransition(from, to)) {
      throw ksaError('KSA_ERR_ILLEGAL_TRANSITION', `plugin ${id} cannot go from ${from} to ${to} (allowed: ${TRANSITIONS[from].join(', ') || 'none'})`);
    }
    this.registry.setState(id, to, error);
    this.emit('stateChange', { id, from, to, ...(error ? { error } : {}) });
    if (to === 'Failed') this.emit('failed', { id, from, to, ...(error ? { error } : {}) });
  }

  load(id: string): void {
    this.transition(id, 'Loaded');
  }

  async init(id: string, deadline: number): Promise<void> {
    await this.step(id, 'Initialized', 'beforeInit', 'afterInit', () => this.driver.init(id, deadline));
  }

  async start(id: string, deadline: number): Promise<void> {
    await this.step(id, 'Running', 'beforeStart', 'afterStart', () => this.driver.start(id, deadline));
  }

  async stop(id: string, deadline: number): Promise<void> {
    await this.step(id, 'Stopped', 'beforeStop', 'afterStop', () => this.driver.stop(id, deadline));
  }

  /**
   * Running/Initialized -> (Stopped) -> Loaded -> Initialized with the current config. A live
   * instance is reloaded in place (one driver.reload: its sessions closed, its reload hook run);
   * a Loaded, Stopped or Failed plugin has none, so it is simply initialised.
   */
  async reload(id: string, deadline: number): Promise<void> {
    const from = this.registry.getState(id);
    this.emit('beforeReload', { id, from, to: 'Loaded' });
    const live = from === 'Running' || from === 'Initialized';
    if (from === 'Running') this.transition(id, 'Stopped');
    if (this.registry.getState(id) !== 'Loaded') this.transition(id, 'Loaded');
    await this.step(id, 'Initialized', 'beforeInit', 'afterInit', () => (live ? this.driver.reload(id, deadline) : this.driver.init(id, deadline)));
    this.emit('afterReload', { id, from, to: this.registry.getState(id) });
  }

  /** Loaded/Stopped -> Running for one plugin, initialising first when needed; both steps by `deadline`. */
  async ensureRunning(id: string, deadline: number): Promise<void> {
    const state = this.registry.getState(id);
    if (state === 'Running') return;
    if (state === 'Stopped' || state === 'Failed') this.transition(id, 'Loaded');
    if (this.registry.getState(id) === 'Unloaded') this.load(id);
    if (this.registry.getState(id) === 'Loaded') await this.init(id, deadline);
    await this.start(id, deadline);
  }

  /** Dependencies before their dependants; each plugin gets its own `startMs` from when it begins. */
  async startAll(startMs: number): Promise<void> {
    for (const id of this.dependencyOrder()) await this.ensureRunning(id, Date.now() + startMs);
  }

  /** Dependants before their dependencies; each stop gets its own `stopMs` from when it begins. */
  async stopAll(stopMs: number): Promise<void> {
    for (const id of this.dependencyOrder().reverse()) {
      if (this.registry.getState(id) === 'Running') await this.stop(id, Date.now() + stopMs).catch(() => undefined);
    }
  }

  private async step(id: string, to: PluginState, before: LifecycleEvent, after: LifecycleEvent, work: () => Promise<void>): Promise<void> {
    const from = this.registry.getState(id);
    if (!this.canTransition(from, to)) this.transition(id, to); // throws with the allowed list
    this.emit(before, { id, from, to });
    try {
      await work();
    } catch (error) {
      // The work may already have recorded the failure (e.g. its host died and was retired).
      if (this.registry.getState(id) !== 'Failed') this.transition(id, 'Failed', toErrorInfo(error));
      throw error;
    }
    this.transition(id, to);
    this.emit(after, { id, from, to });
  }

  private emit(event: LifecycleEvent, payload: LifecyclePayload): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch {
        // A subscriber's bug must not break the lifecycle.
      }
    }
  }
}
