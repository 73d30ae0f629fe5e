// Whether human output is coloured. One place decides; renderers only apply the answer.

export interface ColorInputs {
  /** false when --no-color was given. */
  flag: boolean;
  env: Readonly<Record<string, string | undefined>>;
  stdoutIsTTY: boolean;
}

/**
 * --no-color and NO_COLOR (any value, even empty: no-color.org) always win; FORCE_COLOR=0/false
 * turns colour off and any other FORCE_COLOR value turns it on even in a pipe (the convention
 * chalk and Node share); otherwise colour only on a terminal that is not TERM=dumb.
 * A CI=… variable is deliberately ignored: a terminal in CI is still a terminal.
 */
export function chooseColor({ flag, env, stdoutIsTTY }: ColorInputs): boolean {
  if (!flag || env.NO_COLOR !== undefined) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stdoutIsTTY && env.TERM !== 'dumb';
}
