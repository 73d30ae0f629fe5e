// What a person sees from `ksa watch` on a terminal, and the file-change reload: the live table fits
// the terminal (a wrapped or scrolled line would make the in-place redraw overwrite the wrong rows),
// is redrawn in place (cursor up + clear), counts the targets it has no room for; and
// --watch-config reloads when the file changes, refusing a broken one while the old config runs on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/services.js';
import { startWatch, type WatchProcess } from '../support/watch-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-watch-view-'));
const fixture = join(repoRoot, 'test/fixtures/plugins/fixture');
const running: WatchProcess[] = [];
afterAll(async () => {
  for (const w of running) { w.kill('SIGKILL'); await w.exited; }
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(file: string, targets: Record<string, string>): string {
  const lines = [
    'defaults:', '  interval: 300ms', '  timeout: 2s', 'targets:',
    ...Object.entries(targets).flatMap(([name, behavior]) => [
      `  - name: ${name}`, '    type: fixture', '    endpoints: ["127.0.0.1:7000"]', `    options: { behavior: ${behavior} }`,
    ]),
    'plugins:', `  discovery: { packages: ["${fixture}"] }`,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const CSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

describe('ksa watch on a terminal', () => {
  it('the live table fits 60 columns and 20 rows, is redrawn in place, and counts the targets beyond the screen', () => {
    const targets = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`target-with-a-long-name-${String(i).padStart(2, '0')}`, i % 3 === 0 ? 'critical' : 'healthy']));
    const file = writeConfig(join(dir, 'tty.yaml'), targets);
    const ksa = [process.execPath, join(repoRoot, 'bin/ksa.js'), 'watch', '--config', file, '--state-dir', join(dir, 'tty-state')].map(quote).join(' ');
    // SIGTERM after 6 s: the watcher stops within its grace and exits 0 (--preserve-status). 6 s, not
    // 3.5: on a loaded CI machine 30 sandboxed plugin hosts took longer than 3.5 s to finish a first cycle.
    const r = spawnSync('script', ['-qec', `stty cols 60 rows 20; exec timeout --preserve-status -s TERM 6 ${ksa} 2>${quote(join(dir, 'tty.err'))}`, '/dev/null'], {
      cwd: dir, encoding: 'utf8', timeout: 30_000,
    });
    expect(r.status, r.stdout).toBe(0);
    // Redrawn in place: the cursor goes up over the last drawing and clears to the end of the screen.
    expect(r.stdout).toMatch(/\u001b\[\d+A\u001b\[0J/);
    const lines = r.stdout.replace(/\r/g, '').replace(CSI, '').split('\n');
    expect(lines.filter((l) => [...l].length > 60), `lines wider than 60:\n${lines.join('\n')}`).toEqual([]);
    expect(lines.some((l) => /│ TARGET +│ STATE +│/.test(l))).toBe(true);
    expect(lines.some((l) => /│ fixture\.[a-z.]*… +│$/.test(l)), 'the top finding, cut to the width left').toBe(true);
    expect(lines.some((l) => /^│ targe… +│ firing critical +│/.test(l)), 'target names cut once the top finding has given up its room').toBe(true);
    expect(lines.some((l) => /^… \d+ more targets \(ksa watch status lists them all\)$/.test(l))).toBe(true);
    // One drawing never exceeds the screen's 20 rows: rules, head, rows, the "more" line, the status line.
    const drawings = r.stdout.replace(/\r/g, '').split(/\u001b\[\d+A\u001b\[0J/).slice(1, -1);
    expect(drawings.length).toBeGreaterThan(0);
    for (const d of drawings) expect(d.replace(CSI, '').split('\n').filter(Boolean).length).toBeLessThan(20);
  }, 40_000);
});

describe('ksa watch --watch-config', () => {
  it('a changed file is reloaded without a signal; a broken one is refused with one line and the old config runs on', async () => {
    const file = writeConfig(join(dir, 'auto.yaml'), { keep: 'healthy' });
    const w = startWatch(['--config', file, '--state-dir', join(dir, 'auto-state'), '--watch-config', '--health-every', '300ms', '--output', 'json']);
    running.push(w);
    await w.next('started', (e) => e.kind === 'watcher' && e.action === 'started');
    writeConfig(file, { keep: 'healthy', added: 'critical' });
    const accepted = await w.next('reload accepted', (e) => e.kind === 'config-reload', 15_000);
    expect(accepted).toMatchObject({ outcome: 'accepted', added: ['added'], removed: [], changed: [] });
    await w.next('added target fires', (e) => e.kind === 'finding' && e.target === 'added' && e.to === 'firing');
    const before = w.events.length;
    writeFileSync(file, 'targets: [ {name: x, type: \n');
    const refused = await w.next('reload refused', (e) => e.kind === 'config-reload' && e.outcome === 'refused', 15_000, before);
    expect(String(refused.reason)).toMatch(/KSA_ERR_CONFIG_INVALID/);
    expect(w.stderr().split('\n').filter((l) => l.includes('refused'))).toHaveLength(1);
    const at = w.events.length;
    const health = await w.next('the old config runs on: self-health after the refusal', (e) => e.kind === 'health', 10_000, at);
    expect(Number(health.cycles)).toBeGreaterThan(0);
    expect(w.child.exitCode).toBeNull();
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 40_000);
});
