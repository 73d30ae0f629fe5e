// Colours of the table output. The CLI decided whether to colour (flags, NO_COLOR, FORCE_COLOR,
// TTY); chalk's own detection only picks the depth.
import { Chalk, supportsColor, type ChalkInstance } from 'chalk';
import type { Severity, Status } from '../../core/types.js';

export type Paint = (s: string) => string;

export interface Palette {
  status: Record<Status, Paint>;
  severity: Record<Severity, Paint>;
  bold: Paint;
  dim: Paint;
  /** Markers that a finding does not fail the gate (baselined, below --fail-on). */
  quiet: Paint;
  /** Marker of a finding that fails the gate while a baseline is in use. */
  fresh: Paint;
  error: Paint;
}

/** chalk must not veto: it answers 0 under any unknown CI=… even on a terminal. */
export function palette(color: boolean): Palette {
  const c: ChalkInstance = new Chalk({ level: color ? Math.max(1, supportsColor ? supportsColor.level : 0) as 1 | 2 | 3 : 0 });
  return {
    status: { healthy: c.green, warning: c.yellow, critical: c.red.bold, unknown: c.magenta },
    severity: { info: c.cyan, warning: c.yellow, critical: c.red.bold },
    bold: c.bold,
    dim: c.dim,
    quiet: c.dim,
    fresh: c.bold,
    error: c.magenta,
  };
}
