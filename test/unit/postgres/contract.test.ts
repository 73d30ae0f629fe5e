// The plugin contract (manifest vs code, every check fires, guard in the path, ctx.signal honoured)
// plus every check case of cases.ts.
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { testPlugin } from '../../../src/testing/index.js';
import postgres from '../../../plugins/postgres/index.js';
import { cases } from './cases.js';

testPlugin({
  module: postgres,
  manifestPath: fileURLToPath(new URL('../../../manifests/postgres-diagnostics.yaml', import.meta.url)),
  cases,
}, { describe, it });
