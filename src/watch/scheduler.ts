// Runs every job (a target's cycle) on its own fixed-rate schedule: a random phase within its
// interval so 1000 targets do not fire in the same millisecond, at most `concurrency` cycles at
// once, never two cycles of one job at a time (a tick that finds the last cycle still running is
// skipped and counted), and a cycle's slot is given back at its deadline even if the cycle has not
// settled, so a hung target never holds up another target's cycle. How late each cycle started
// (schedule lag) and how many waited for a slot (the run queue) are measured.
import { SlidingWindow, type WindowSummary } from './sliding-window.js';

export interface Job {
  name: string;
  periodMs: number;
  /** After this long the cycle's slot is given back (its own deadline plus a margin). */
  deadlineMs: number;
  /** One cycle; should settle by its deadline and must not throw (errors are results). */
  run(): Promise<void>;
}

export interface SchedulerStats {
  jobs: number;
  running: number;
  /** Cycles due and waiting for a slot, now and the most seen. */
  queue: number;
  maxQueue: number;
  cycles: number;
  /** Ticks that found the job's previous cycle still running. */
  skipped: number;
  /** Cycles still unsettled at their deadline (their slot was given back). */
  overran: number;
  /** How late cycles started (ms) over the last window. */
  lagMs: WindowSummary;
}

interface Entry {
  job: Job;
  dueAt: number;
  timer: NodeJS.Timeout | undefined;
  /** Queued or running: the next tick is skipped until it settles. */
  busy: Promise<void> | undefined;
  removed: boolean;
}

export interface SchedulerOptions {
  concurrency: number;
  /** Over how long lag percentiles are taken. */
  windowMs?: number;
  random?: () => number;
  /** Called after each cycle with how late it started. */
  onCycle?: (name: string, lagMs: number) => void;
}

export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Array<{ entry: Entry; dueAt: number; settle: () => void }> = [];
  private running = 0;
  private maxQueue = 0;
  private cycles = 0;
  private skipped = 0;
  private overran = 0;
  private started = false;
  private stopped = false;
  private readonly lag: SlidingWindow;
  private readonly random: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.lag = new SlidingWindow(options.windowMs ?? 300_000, 4096);
    this.random = options.random ?? Math.random;
  }

  /**
   * Adds a job; once the scheduler is started its first cycle comes at `firstAt`, by default a
   * random point of its first interval (counted from when it is armed).
   */
  add(job: Job, firstAt?: number): void {
    if (this.entries.has(job.name)) throw new Error(`job ${job.name} is already scheduled`);
    const entry: Entry = { job, dueAt: firstAt ?? Number.NaN, timer: undefined, busy: undefined, removed: false };
    this.entries.set(job.name, entry);
    if (this.started && !this.stopped) this.arm(entry);
  }

  /** Starts the timers of every job (runOnce works without). */
  start(): void {
    this.started = true;
    for (const e of this.entries.values()) if (!e.timer) this.arm(e);
  }

  /** Unschedules a job; resolves when its cycle in flight (if any) has settled. */
  async remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.removed = true;
    clearTimeout(entry.timer);
    this.entries.delete(name);
    const queued = this.queue.findIndex((q) => q.entry === entry);
    if (queued >= 0) this.queue.splice(queued, 1)[0]!.settle(); // never started
    await entry.busy;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** One cycle of each job now (bounded by the concurrency); resolves when all have settled. */
  async runOnce(): Promise<void> {
    const now = Date.now();
    await Promise.all([...this.entries.values()].map((e) => this.enqueue(e, now)));
  }

  /**
   * A cycle of one job now, on demand (ksa serve's /probe, the API's trigger): shares the cycle
   * already queued or running rather than starting a second one, and takes a slot like any other
   * cycle. Undefined for an unknown job or a stopped scheduler. Its lag is not measured (it was not
   * scheduled).
   */
  runNow(name: string): Promise<void> | undefined {
    const entry = this.entries.get(name);
    if (!entry || this.stopped) return undefined;
    return this.enqueue(entry, Number.NaN);
  }

  /** No new cycles; resolves true when those in flight settle within `graceMs`, false if not. */
  async stop(graceMs: number): Promise<boolean> {
    this.stopped = true;
    for (const e of this.entries.values()) clearTimeout(e.timer);
    for (const q of this.queue.splice(0)) q.settle(); // never started
    const inFlight = [...this.entries.values()].map((e) => e.busy).filter((b): b is Promise<void> => b !== undefined);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), graceMs); });
    const settled = await Promise.race([Promise.all(inFlight).then(() => true as const), timedOut]);
    clearTimeout(timer);
    return settled;
  }

  stats(): SchedulerStats {
    return {
      jobs: this.entries.size, running: this.running, queue: this.queue.length, maxQueue: this.maxQueue,
      cycles: this.cycles, skipped: this.skipped, overran: this.overran, lagMs: this.lag.summary(),
    };
  }

  private arm(entry: Entry): void {
    if (Number.isNaN(entry.dueAt)) entry.dueAt = Date.now() + Math.floor(this.random() * entry.job.periodMs);
    entry.timer = setTimeout(() => this.tick(entry), Math.max(0, entry.dueAt - Date.now()));
  }

  private tick(entry: Entry): void {
    if (entry.removed || this.stopped) return;
    const dueAt = entry.dueAt;
    // Fixed rate: the next tick is one interval after this one was due, whatever this cycle does;
    // ticks missed while the process could not run are skipped, not bunched up.
    const now = Date.now();
    entry.dueAt += entry.job.periodMs;
    if (entry.dueAt <= now) {
      const missed = Math.floor((now - entry.dueAt) / entry.job.periodMs) + 1;
      this.skipped += missed;
      entry.dueAt += missed * entry.job.periodMs;
    }
    this.arm(entry);
    if (entry.busy) {
      this.skipped++;
      return;
    }
    void this.enqueue(entry, dueAt);
  }

  private enqueue(entry: Entry, dueAt: number): Promise<void> {
    if (entry.busy) return entry.busy;
    entry.busy = new Promise<void>((settle) => {
      this.queue.push({ entry, dueAt, settle });
      this.maxQueue = Math.max(this.maxQueue, this.queue.length);
    }).finally(() => { entry.busy = undefined; });
    this.pump();
    return entry.busy;
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.running++;
      this.begin(next.entry, next.dueAt, next.settle);
    }
  }

  private begin(entry: Entry, dueAt: number, settle: () => void): void {
    const lagMs = Number.isNaN(dueAt) ? 0 : Math.max(0, Date.now() - dueAt);
    if (!Number.isNaN(dueAt)) this.lag.add(lagMs);
    this.cycles++;
    let slotHeld = true;
    const release = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.running--;
      this.pump();
    };
    // A cycle past its deadline keeps its job busy (no overlap) but gives its slot to the others.
    const overrun = setTimeout(() => { this.overran++; release(); }, entry.job.deadlineMs);
    entry.job.run().catch(() => undefined).finally(() => {
      clearTimeout(overrun);
      release();
      settle();
      this.options.onCycle?.(entry.job.name, lagMs);
    });
  }
}
