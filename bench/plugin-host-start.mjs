#!/usr/bin/env node
// Issue 20: start-up of ONE external plugin host, from spawn to its plugin's init answered
// (process start, the host runtime, the plugin's import), for each sandbox, alternating the
// modes round by round so machine drift hits all of them. No CLI around it: the host alone.
// usage: node bench/plugin-host-start.mjs [ROUNDS]   (needs `npm run build`)
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const dist = (p) => pathToFileURL(join(root, 'dist/src/core', p)).href;
const { createChildTransport } = await import(dist('isolation/child-transport.js'));
const { RemoteHost } = await import(dist('isolation/remote-host.js'));
const { hostPolicy } = await import(dist('isolation/host-permissions.js'));
const { childSandbox } = await import(dist('isolation/plugin-sandbox.js'));
const { bwrapStatus } = await import(dist('isolation/bubblewrap.js'));
const { readExternalPackage } = await import(dist('manifest-reader.js'));

const rounds = Number(process.argv[2] ?? 20);
const record = readExternalPackage(join(root, 'test/reliability/fixtures/bystander'));
const ref = { manifest: record.manifest, entryUrl: pathToFileURL(record.entryPath).href, config: {} };
const policy = hostPolicy({ manifest: record.manifest, pluginDir: record.location, ksaRoot: root, config: {} });
const modes = { full: undefined, node: childSandbox('node', 'sandboxed', policy) };
if (bwrapStatus().usable) modes.bwrap = childSandbox('bwrap', 'sandboxed', policy);

async function once(sandbox) {
  const t0 = performance.now();
  const host = new RemoteHost(createChildTransport({ maxOldSpaceSizeMb: 256 }, () => undefined, sandbox), () => undefined);
  const r = await host.call('init', ref, Date.now() + 10_000);
  const ms = performance.now() - t0;
  await host.terminate();
  if (!r.ok) throw new Error(`init failed: ${r.error?.message}`);
  return ms;
}

const times = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
for (const m of Object.keys(modes)) await once(modes[m]); // warm-up
for (let i = 0; i < rounds; i++) for (const m of Object.keys(modes)) times[m].push(await once(modes[m]));
const med = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const out = { rounds, medianMs: {}, minMs: {}, ratioToFull: {} };
for (const m of Object.keys(modes)) {
  out.medianMs[m] = +med(times[m]).toFixed(1);
  out.minMs[m] = +Math.min(...times[m]).toFixed(1);
  out.ratioToFull[m] = +med(times[m].map((t, i) => t / times.full[i])).toFixed(3);
}
process.stdout.write(`${JSON.stringify({ label: 'one external plugin host, spawn to init answered', ...out })}\n`);
