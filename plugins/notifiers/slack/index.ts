// slack: a Block Kit message with a plain-text fallback, to an incoming webhook URL (also
// Mattermost's and Rocket.Chat's Slack-compatible webhooks) or, with a token, chat.postMessage.
import { defineNotifierPlugin, deliveryOutcome, postBody, unreachable } from '../../../src/sdk/index.js';
import { receiverTls } from '../receiver-tls.js';
import { slackMessage } from './message.js';

const POST_MESSAGE = 'https://slack.com/api/chat.postMessage';

export default defineNotifierPlugin({
  info: { id: 'slack', version: '1.0.0', name: 'Slack', description: 'Block Kit messages with a text fallback' },
  async send(ctx, { notification, config }) {
    const token = typeof config.token === 'string' ? config.token : undefined;
    const channel = typeof config.channel === 'string' ? config.channel : undefined;
    const url = typeof config.url === 'string' ? config.url : token ? POST_MESSAGE : undefined;
    if (!url) return { outcome: 'failed', detail: 'slack: give url (an incoming webhook) or token and channel (chat.postMessage)' };
    const body = JSON.stringify(slackMessage(notification, { ...(channel ? { channel } : {}), ...(typeof config.link === 'string' ? { link: config.link } : {}) }));
    try {
      const answer = await postBody(url, body, { deadline: ctx.deadline, signal: ctx.signal, headers: token ? { Authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' } : {}, tls: receiverTls(config) });
      // chat.postMessage answers 200 with {"ok": false, "error": "..."}: ratelimited is worth a retry, the rest is not.
      if (token && answer.status === 200) {
        const api = JSON.parse(answer.body || '{}') as { ok?: boolean; error?: string };
        if (api.ok === false) return { outcome: api.error === 'ratelimited' ? 'retry' : 'failed', detail: `Slack API error: ${api.error ?? 'unknown'}`, status: 200 };
      }
      return deliveryOutcome(answer, 'Slack HTTP');
    } catch (error) {
      return unreachable(error);
    }
  },
});
