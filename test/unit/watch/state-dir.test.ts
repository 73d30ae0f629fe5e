// Where the state dir is when --state-dir is not given.
import { describe, expect, it } from 'vitest';

import { resolveStateDir } from '../../../src/watch/state-dir.js';

describe('resolveStateDir', () => {
  it.each([
    ['--state-dir wins', 'rel/dir', { KSA_STATE_DIR: '/k', XDG_STATE_HOME: '/x' }, `${process.cwd()}/rel/dir`],
    ['then KSA_STATE_DIR', undefined, { KSA_STATE_DIR: '/k', XDG_STATE_HOME: '/x' }, '/k'],
    ['then $XDG_STATE_HOME/ksa', undefined, { XDG_STATE_HOME: '/x' }, '/x/ksa'],
    ['a relative XDG_STATE_HOME is ignored (XDG spec)', undefined, { XDG_STATE_HOME: 'x' }, '/home/u/.local/state/ksa'],
    ['else ~/.local/state/ksa', undefined, {}, '/home/u/.local/state/ksa'],
  ])('%s', (_what, flag, env, dir) => {
    expect(resolveStateDir(flag, env, '/home/u')).toBe(dir);
  });
});
