import { describe, expect, it } from 'vitest';
import { chooseColor } from '../../../src/cli/color-choice.js';

describe('chooseColor', () => {
  it.each([
    { name: 'a terminal', flag: true, env: {}, tty: true, want: true },
    { name: 'a terminal in CI (CI=true is not a veto)', flag: true, env: { CI: 'true' }, tty: true, want: true },
    { name: 'a pipe', flag: true, env: {}, tty: false, want: false },
    { name: 'a pipe in CI', flag: true, env: { CI: 'true' }, tty: false, want: false },
    { name: '--no-color on a terminal', flag: false, env: {}, tty: true, want: false },
    { name: 'NO_COLOR=1', flag: true, env: { NO_COLOR: '1' }, tty: true, want: false },
    { name: 'NO_COLOR empty still counts', flag: true, env: { NO_COLOR: '' }, tty: true, want: false },
    { name: 'NO_COLOR beats FORCE_COLOR', flag: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' }, tty: true, want: false },
    { name: '--no-color beats FORCE_COLOR', flag: false, env: { FORCE_COLOR: '3' }, tty: false, want: false },
    { name: 'FORCE_COLOR=1 in a pipe', flag: true, env: { FORCE_COLOR: '1' }, tty: false, want: true },
    { name: 'FORCE_COLOR empty in a pipe', flag: true, env: { FORCE_COLOR: '' }, tty: false, want: true },
    { name: 'FORCE_COLOR=0 on a terminal', flag: true, env: { FORCE_COLOR: '0' }, tty: true, want: false },
    { name: 'FORCE_COLOR=false on a terminal', flag: true, env: { FORCE_COLOR: 'false' }, tty: true, want: false },
    { name: 'TERM=dumb on a terminal', flag: true, env: { TERM: 'dumb' }, tty: true, want: false },
    { name: 'TERM=dumb with FORCE_COLOR=1', flag: true, env: { TERM: 'dumb', FORCE_COLOR: '1' }, tty: true, want: true },
  ])('$name -> $want', ({ flag, env, tty, want }) => {
    expect(chooseColor({ flag, env, stdoutIsTTY: tty })).toBe(want);
  });
});
