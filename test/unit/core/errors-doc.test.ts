// docs/ERRORS.md is the reference for every error code (Fastify keeps its errors doc in sync the
// same way): a code added to src/core/errors.ts without a row, a row for a removed code, or a
// retryability that differs fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../../src/core/errors.js';
import { repoRoot } from '../../support/services.js';

interface Row { code: string; meaning: string; retryable: string; fix: string }

function documentedRows(): Row[] {
  const text = readFileSync(`${repoRoot}/docs/ERRORS.md`, 'utf8');
  return text.split('\n')
    .filter((line) => /^\| `KSA_ERR_/.test(line))
    // Cells are separated by unescaped pipes (`\|` may appear inside a fix).
    .map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()))
    .map(([code = '', meaning = '', retryable = '', fix = '']) => ({ code: code.replace(/`/g, ''), meaning, retryable, fix }));
}

describe('docs/ERRORS.md', () => {
  const rows = documentedRows();
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it('has one row per code in src/core/errors.ts, and none for codes that do not exist', () => {
    const documented = rows.map((r) => r.code);
    expect(codes.filter((c) => !documented.includes(c)), 'codes without a row in docs/ERRORS.md').toEqual([]);
    expect(documented.filter((c) => !(c in ERROR_CODES)), 'rows for codes that are not in errors.ts').toEqual([]);
    expect(documented.filter((c, i) => documented.indexOf(c) !== i), 'codes documented twice').toEqual([]);
  });

  it.each(codes)('%s: meaning, retryability as in errors.ts, and a fix', (code) => {
    const row = rows.find((r) => r.code === code);
    expect(row, `add a row for ${code} to docs/ERRORS.md`).toBeDefined();
    expect(row!.meaning.length).toBeGreaterThan(20);
    expect(row!.retryable).toBe(ERROR_CODES[code].retryable ? 'yes' : 'no');
    expect(row!.fix.length).toBeGreaterThan(10);
  });
});
