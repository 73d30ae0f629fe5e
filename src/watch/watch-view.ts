// What a person sees while `ksa watch` runs. In a pipe (or --output json): one JSON line per event
// (the schema of `ksa schema events`), as a durable subscriber, so an event persisted just before
// a crash is printed after the restart (same id) rather than lost. On a terminal: a table of the
// targets (state, since, last duration, top finding), redrawn in place.
import { box } from '../render/table/box.js';
import { palette } from '../render/table/style.js';
import type { Watcher } from './watcher.js';
import type { WatchSink } from './watch-sink.js';
import type { TargetRecord } from './target-record.js';
import type { Severity } from '../core/types.js';

export interface WatchView {
  stop(): void;
}

const REDRAW_MS = 1000;
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function createWatchView(o: { json: boolean; color: boolean; watcher: Watcher; sink: WatchSink }): WatchView {
  if (o.json) {
    const unsubscribe = o.sink.subscribe('stdout', (event) => new Promise<void>((resolve) => {
      process.stdout.write(`${JSON.stringify(event)}\n`, () => resolve());
    }), { durable: true });
    return { stop: unsubscribe };
  }
  let drawn = 0;
  const draw = () => {
    const lines = liveTable(o.watcher, o.sink.records(), o.color, Date.now(), { columns: process.stdout.columns, rows: process.stdout.rows });
    // Up over what was drawn last, then clear to the end of the screen: redrawn in place.
    process.stdout.write(`${drawn > 0 ? `\u001b[${drawn}A` : ''}\u001b[0J${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  draw();
  const timer = setInterval(draw, REDRAW_MS);
  return { stop: () => { clearInterval(timer); draw(); } };
}

/**
 * The table fits the terminal: a line wider than it wraps, and a table taller than it scrolls, and
 * either way the cursor-up redraw would then overwrite the wrong rows. The top finding is cut to the
 * width left, and targets beyond the height are counted on one line (`ksa watch status` lists all).
 */
export function liveTable(watcher: Watcher, records: ReadonlyMap<string, TargetRecord>, color: boolean, now: number, screen: { columns?: number | undefined; rows?: number | undefined } = {}): string[] {
  const paint = palette(color);
  const all = watcher.view();
  const room = screen.rows ? Math.max(1, screen.rows - 6) : all.length; // 4 rules and head, the status line, the cursor
  const shown = all.length > room ? all.slice(0, Math.max(1, room - 1)) : all;
  const rows = shown.map((t) => {
    const rec = records.get(t.name);
    const top = rec ? topFinding(rec) : undefined;
    const state = !t.last ? 'waiting' : rec?.state !== 'ok' && rec ? rec.state : top ? `${top.state} ${top.finding.severity}` : 'ok';
    const status = t.last?.result.status;
    return [
      [t.name],
      [status ? paint.status[status](state) : state],
      [rec ? ago(now - rec.since) : '-'],
      [t.last ? `${t.last.result.durationMs} ms` : '-'],
      [top ? `${top.finding.id}: ${top.finding.title}`.slice(0, 80) : rec?.error ? rec.error.code : ''],
    ];
  });
  const head = ['TARGET', 'STATE', 'SINCE', 'LAST', 'TOP FINDING'];
  const widths = head.map((h, i) => 2 + Math.max(h.length, ...rows.map((r) => (r[i]![0] ?? '').replace(/\u001b\[[0-9;]*m/g, '').length)));
  // Too wide: the top finding gives up room first, then the target names (both cut with '…').
  const total = () => widths.reduce((a, b) => a + b, 0) + widths.length + 1; // one border per column plus one
  for (const col of [4, 0]) {
    if (!screen.columns || total() <= screen.columns) break;
    const min = head[col]!.length + 2;
    widths[col] = Math.max(min, widths[col]! - (total() - screen.columns));
    for (const r of rows) if (r[col]![0]!.length > widths[col]! - 2) r[col] = [`${r[col]![0]!.slice(0, widths[col]! - 3)}…`];
  }
  const health = watcher.schedulerStats();
  return [
    ...box(rows, { widths, head, rowRules: false }),
    ...(shown.length < all.length ? [paint.dim(cut(`… ${all.length - shown.length} more targets (ksa watch status lists them all)`, screen.columns))] : []),
    paint.dim(cut(`${health.jobs} targets, ${health.running} running, ${health.queue} queued, lag p99 ${health.lagMs.p99} ms, ${health.skipped} skipped`, screen.columns)),
  ];
}

/** Plain text cut to the terminal's width (a wrapped line breaks the in-place redraw). */
function cut(text: string, columns: number | undefined): string {
  return columns && text.length > columns ? `${text.slice(0, columns - 1)}…` : text;
}

function topFinding(rec: TargetRecord) {
  const live = Object.values(rec.findings).filter((f) => f.state === 'firing' || f.state === 'pending');
  return live.sort((a, b) => SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] || (a.state === 'firing' ? -1 : 1))[0];
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
