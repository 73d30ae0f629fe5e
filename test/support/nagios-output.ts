// An independent reader of Nagios plugin output, written from the monitoring-plugins development
// guidelines (not from ksa's renderer): splits status line, long output and perfdata, checks each
// perfdata item against the guideline grammar, and evaluates threshold ranges as Nagios does.

const NUM = String.raw`-?\d+(?:\.\d+)?`;
/** `N` (outside 0..N), `N:` (below N), `~:N` (above N), `N:M` (outside N..M), `@` inverts. */
const RANGE = String.raw`@?(?:${NUM}|${NUM}:|~:${NUM}|${NUM}:${NUM})`;
const UOM = '(?:s|ms|us|%|B|KB|MB|TB|c)';
/** 'label'=value[UOM];[warn];[crit];[min];[max] (trailing unfilled fields may be dropped). */
export const PERFDATA_ITEM = new RegExp(
  String.raw`^'([^'=]+)'=(${NUM})(${UOM}?)(?:;(${RANGE})?(?:;(${RANGE})?(?:;(${NUM})?(?:;(${NUM})?)?)?)?)?$`,
);

export interface PerfItem { label: string; value: number; uom: string; warn: string; crit: string; min: string; max: string }
export interface NagiosOutput { status: string; text: string; long: string[]; perf: PerfItem[] }

/** Parses stdout; throws when a perfdata item breaks the grammar (so a test cannot skip one). */
export function parseNagios(stdout: string): NagiosOutput {
  if (!stdout.endsWith('\n')) throw new Error('output does not end with a newline');
  const lines = stdout.slice(0, -1).split('\n');
  const [first = '', ...rest] = lines;
  const [text = '', firstPerf = ''] = splitOnce(first);
  const long: string[] = [];
  const perfText: string[] = [firstPerf];
  let inPerf = false;
  for (const line of rest) {
    if (inPerf) { perfText.push(line); continue; }
    const [t, p] = splitOnce(line);
    long.push(t!);
    if (p !== undefined) { inPerf = true; perfText.push(p); }
  }
  const status = /^KSA (OK|WARNING|CRITICAL|UNKNOWN) - /.exec(text)?.[1];
  if (!status) throw new Error(`status line does not start with a Nagios word: ${text}`);
  return { status, text, long, perf: perfText.filter((p) => p.trim() !== '').flatMap(items) };
}

function splitOnce(line: string): [string, string?] {
  const i = line.indexOf('|');
  return i < 0 ? [line] : [line.slice(0, i).trimEnd(), line.slice(i + 1).trim()];
}

function items(perf: string): PerfItem[] {
  const tokens = perf.match(/'[^']*'=\S*/g) ?? [];
  if (tokens.join(' ') !== perf) throw new Error(`perfdata has text outside 'label'=value items: ${perf}`);
  return tokens.map((t) => {
    const m = PERFDATA_ITEM.exec(t);
    if (!m) throw new Error(`perfdata item breaks the guideline grammar: ${t}`);
    return { label: m[1]!, value: Number(m[2]), uom: m[3] ?? '', warn: m[4] ?? '', crit: m[5] ?? '', min: m[6] ?? '', max: m[7] ?? '' };
  });
}

/** Does a Nagios range alert on `value`? (Guidelines, "Threshold and ranges".) */
export function rangeAlerts(range: string, value: number): boolean {
  if (range === '') return false;
  const inside = range.startsWith('@');
  const r = inside ? range.slice(1) : range;
  const [startText, endText] = r.includes(':') ? r.split(':') as [string, string] : ['0', r];
  const start = startText === '~' ? -Infinity : Number(startText || 0);
  const end = endText === '' ? Infinity : Number(endText);
  const outside = value < start || value > end;
  return inside ? !outside : outside;
}
