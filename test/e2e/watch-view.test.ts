// What a person sees from `ksa watch` on a terminal, and the file-change reload: the live table fits
// the terminal (a wrapped or scrolled line would make the in-place redraw overwrite the wrong rows),
// is redrawn in place (cursor up + clear), counts the targets it has no room for; and
// --watch-config reloads when the file changes, refusing a broken one while the old config runs on.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';
import { startWatch, type WatchProcess } from '../support/watch-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ksa-watch-view-'));
const fixture = join(repoRoot, 'test/fixtures/plugins/fixture');
const running: WatchProcess[] = [];
afterAll(async () => {
  for (const w of running) { w.kill('SIGKILL'); await w.exited; }
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(file: string, targets: Record<string, string>, pluginLines: string[] = []): string {
  const lines = [
    'defaults:', '  interval: 300ms', '  timeout: 2s', 'targets:',
    ...Object.entries(targets).flatMap(([name, behavior]) => [
      `  - name: ${name}`, '    type: fixture', '    endpoints: ["127.0.0.1:7000"]', `    options: { behavior: ${behavior} }`,
    ]),
    'plugins:', `  discovery: { packages: ["${fixture}"] }`, ...pluginLines,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const CSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

describe('ksa watch on a terminal', () => {
  it('the live table fits 60 columns and 20 rows, is redrawn in place, and counts the targets beyond the screen', async () => {
    const targets = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`target-with-a-long-name-${String(i).padStart(2, '0')}`, i % 3 === 0 ? 'critical' : 'healthy']));
    // Full trust: the fixture's sessions share one worker host instead of 30 sandboxed processes (one
    // per target), which a loaded machine took up to 35 s to start; this test is about the drawing.
    const file = writeConfig(join(dir, 'tty.yaml'), targets, ['  fixture-diagnostics: { trust: full }']);
    const stateDir = join(dir, 'tty-state');
    const ksa = [process.execPath, join(repoRoot, 'bin/ksa.js'), 'watch', '--config', file, '--state-dir', stateDir].map(quote).join(' ');
    // Stopped with SIGTERM once a drawing shows the firing targets and the next drawing has begun, not
    // after a fixed time: on a loaded CI machine 30 sandboxed plugin hosts took anywhere from 3 to 35 s
    // to finish a first cycle (load 10). `timeout` is only the backstop; --preserve-status hands on ksa's exit.
    const child = spawn('script', ['-qec', `stty cols 60 rows 20; exec timeout --preserve-status -s TERM 75 ${ksa} 2>${quote(join(dir, 'tty.err'))}`, '/dev/null'], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const REDRAW = /\u001b\[\d+A\u001b\[0J/;
    const drawingsSoFar = () => stdout.replace(/\r/g, '').split(REDRAW).slice(1, -1).map((d) => d.replace(CSI, ''));
    await waitFor('a complete drawing with the firing targets', () => drawingsSoFar().some((d) => /firing critical/.test(d) && /fixture\./.test(d)), 60_000, 100);
    // The watcher is found by its own state dir (unique to this test) and stopped as a user would stop it.
    const pid = spawnSync('pgrep', ['-f', '--', `^${process.execPath} .*--state-dir ${stateDir}$`], { encoding: 'utf8' }).stdout.trim().split('\n').find(Boolean);
    expect(pid, 'the ksa watch process').toBeTruthy();
    process.kill(Number(pid), 'SIGTERM');
    expect(await exited, stdout).toBe(0);
    // Redrawn in place: the cursor goes up over the last drawing and clears to the end of the screen.
    expect(stdout).toMatch(REDRAW);
    const lines = stdout.replace(/\r/g, '').replace(CSI, '').split('\n');
    expect(lines.filter((l) => [...l].length > 60), `lines wider than 60:\n${lines.join('\n')}`).toEqual([]);
    expect(lines.some((l) => /│ TARGET +│ STATE +│/.test(l))).toBe(true);
    expect(lines.some((l) => /│ fixture\.[a-z.]*… +│$/.test(l)), 'the top finding, cut to the width left').toBe(true);
    expect(lines.some((l) => /^│ targe… +│ firing critical +│/.test(l)), 'target names cut once the top finding has given up its room').toBe(true);
    expect(lines.some((l) => /^… \d+ more targets \(ksa watch status lists them all\)$/.test(l))).toBe(true);
    // One drawing never exceeds the screen's 20 rows: rules, head, rows, the "more" line, the status line.
    const drawings = drawingsSoFar();
    expect(drawings.length).toBeGreaterThan(0);
    for (const d of drawings) expect(d.split('\n').filter(Boolean).length).toBeLessThan(20);
  }, 90_000);
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
