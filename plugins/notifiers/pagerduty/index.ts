// pagerduty: Events API v2 (trigger / resolve with the episode as dedup_key), one event per alert.
import { defineNotifierPlugin, postForOutcome, type DeliveryOutcome } from '../../../src/sdk/index.js';
import { receiverTls } from '../receiver-tls.js';
import { pagerDutyEvents } from './events.js';

const ENQUEUE = 'https://events.pagerduty.com/v2/enqueue';

export default defineNotifierPlugin({
  info: { id: 'pagerduty', version: '1.0.0', name: 'PagerDuty', description: 'Events API v2 with dedup_key' },
  async send(ctx, { notification, config }) {
    const url = typeof config.url === 'string' ? config.url : ENQUEUE;
    const outcomes: DeliveryOutcome[] = [];
    // Sent again whole on a retry: PagerDuty folds repeated events with one dedup_key into one incident.
    for (const event of pagerDutyEvents(notification, String(config.routingKey), typeof config.link === 'string' ? config.link : undefined)) {
      const o = await postForOutcome(url, JSON.stringify(event), { deadline: ctx.deadline, signal: ctx.signal, tls: receiverTls(config) }, 'PagerDuty HTTP');
      outcomes.push(o);
      if (o.outcome !== 'sent') return o;
    }
    return { outcome: 'sent', detail: `${outcomes.length} event(s) accepted`, ...(outcomes[0]?.status !== undefined ? { status: outcomes[0].status } : {}) };
  },
});
