// alertmanager: POSTs the notification's alerts to Alertmanager's /api/v2/alerts, so its routing,
// silences and inhibition take over; a resolved alert is sent with its endsAt.
import { defineNotifierPlugin, postForOutcome } from '../../../src/sdk/index.js';
import { receiverTls } from '../receiver-tls.js';
import { postableAlerts } from './alerts.js';

export default defineNotifierPlugin({
  info: { id: 'alertmanager', version: '1.0.0', name: 'Alertmanager', description: 'alerts to Alertmanager API v2' },
  async send(ctx, { notification, config }) {
    const base = String(config.url).replace(/\/+$/, '');
    // A duration option reaches the plugin in ms; the default outlasts the default repeat interval (4 h).
    const ttl = typeof config.alertTtl === 'number' ? config.alertTtl : 15_000_000;
    const body = JSON.stringify(postableAlerts(notification, Date.now(), ttl, typeof config.link === 'string' ? config.link : undefined));
    return postForOutcome(`${base}/api/v2/alerts`, body, { deadline: ctx.deadline, signal: ctx.signal, tls: receiverTls(config) }, 'Alertmanager HTTP');
  },
});
