// The plugin contract from the SDK's testing kit: manifest vs code, every check fires in a case,
// the guard is in the path (refused before any I/O) and ctx.signal ends a hanging handshake.
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { testPlugin } from '../../../src/testing/index.js';
import mysql from '../../../plugins/mysql/index.js';
import { cases } from './cases.js';

testPlugin({
  module: mysql,
  manifestPath: fileURLToPath(new URL('../../../manifests/mysql-diagnostics.yaml', import.meta.url)),
  cases,
}, { describe, it });
