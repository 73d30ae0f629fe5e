// The notifier contract kit fails the plugins it must fail: a manifest that disagrees with the
// code, an invalid outcome, a secret in the outcome, send() that ignores ctx.signal; and passes a
// well-behaved one. Real sockets: a local HTTP receiver and a server that never answers.
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineNotifierPlugin, type DeliveryOutcome } from '../../../src/sdk/index.js';
import { NotifierTester } from '../../../src/testing/notifier-tester.js';
import { ContractError } from '../../../src/testing/contract-error.js';
import { sampleNotification } from '../../../src/notify/sample-notification.js';
import { NotificationSchema } from '../../../src/notify/notification.js';

const manifest = { id: 'kit-notifier', name: 'Kit', version: '1.0.0', apiVersion: 1, type: 'notifier' as const, entry: './index.js', options: { url: { type: 'string' as const, secret: true, required: true } } };

let http: Server;
let hanging: TcpServer;
const sockets = new Set<Socket>();
let url = '';
let hangingUrl = '';
const bodies: string[] = [];
beforeAll(async () => {
  http = createServer((req, res) => { let b = ''; req.on('data', (c: Buffer) => { b += c.toString(); }); req.on('end', () => { bodies.push(b); res.end('ok'); }); });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(http.address() as { port: number }).port}/x?token=kit-secret-123`;
  hanging = createTcpServer((s) => { sockets.add(s); });
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as { port: number }).port}/`;
});
afterAll(() => { http.closeAllConnections(); http.close(); for (const s of sockets) s.destroy(); hanging.close(); });

const post = (target: string, body: string, signal?: AbortSignal): Promise<number> => fetch(target, { method: 'POST', body, ...(signal ? { signal } : {}) }).then(async (r) => { await r.text(); return r.status; });

const good = defineNotifierPlugin({
  info: { id: 'kit-notifier', version: '1.0.0' },
  async send(ctx, d): Promise<DeliveryOutcome> {
    const status = await post(String(d.config.url), JSON.stringify(d.notification), ctx.signal);
    return { outcome: 'sent', detail: `HTTP ${status}`, status };
  },
});

describe('NotifierTester', () => {
  it('passes a well-behaved notifier: the receiver gets a schema-valid notification', async () => {
    const t = new NotifierTester(good, manifest);
    t.validateManifest();
    expect(await t.deliver({ url })).toEqual({ outcome: 'sent', detail: 'HTTP 200', status: 200 });
    expect(NotificationSchema.parse(JSON.parse(bodies.at(-1)!)).test).toBe(true);
    await t.assertAbortable({ url: hangingUrl });
  });

  it('fails a manifest that disagrees with the code', () => {
    const t = new NotifierTester(good, { ...manifest, version: '2.0.0' });
    expect(() => t.validateManifest()).toThrow(/version: manifest says "2.0.0", code says "1.0.0"/);
  });

  it('fails an invalid outcome, and a secret repeated in the outcome', async () => {
    const invalid = defineNotifierPlugin({ info: { id: 'kit-notifier', version: '1.0.0' }, send: async () => ({ outcome: 'ok', detail: 'x' }) as unknown as DeliveryOutcome });
    await expect(new NotifierTester(invalid, manifest).deliver({ url })).rejects.toThrow(/invalid outcome/);
    const leaky = defineNotifierPlugin({ info: { id: 'kit-notifier', version: '1.0.0' }, send: async (_c, d) => ({ outcome: 'sent', detail: `posted to ${String(d.config.url)}` }) });
    await expect(new NotifierTester(leaky, manifest).deliver({ url })).rejects.toThrow(/repeats a secret/);
  });

  it("fails send() that ignores ctx.signal (a receiver that never answers)", async () => {
    const deaf = defineNotifierPlugin({ info: { id: 'kit-notifier', version: '1.0.0' }, async send(_ctx, d) { const s = await post(String(d.config.url), 'x'); return { outcome: 'sent', detail: String(s) }; } });
    await expect(new NotifierTester(deaf, manifest).assertAbortable({ url: hangingUrl })).rejects.toThrow(ContractError);
  }, 10_000);

  it('checks the receiver config as ksa does (undeclared key, missing required option)', () => {
    const t = new NotifierTester(good, manifest);
    expect(() => t.checkConfig({ url, urll: 'x' })).toThrow(/has no option "urll"/);
    expect(() => t.checkConfig({})).toThrow(/needs option url/);
  });

  it('refuses a middleware module', () => {
    expect(() => new NotifierTester({ kind: 'ksa-middleware-plugin' } as never, manifest)).toThrow(/not a notifier module/);
  });

  it('sample notifications are schema-valid, firing and resolved', () => {
    expect(sampleNotification({ status: 'resolved' }).alerts[0]!.status).toBe('resolved');
    expect(sampleNotification().rendered.title).toMatch(/^\[TEST\] \[FIRING\] sample-target: Memory usage/);
  });
});
