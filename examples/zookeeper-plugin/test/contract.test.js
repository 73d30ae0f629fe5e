// The plugin's contract tests with ksa's kit: `npm test` in this directory.
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { testPlugin } from '@kubestack/ksa/testing';
import plugin from '../src/index.js';
import { cases } from './cases.js';

testPlugin({
  module: plugin,
  manifestPath: fileURLToPath(new URL('../package.json', import.meta.url)),
  cases,
}, { describe, it });
