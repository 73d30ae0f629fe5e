// teams: an Adaptive Card to a Microsoft Teams incoming webhook (or a Workflows webhook URL).
import { defineNotifierPlugin, postForOutcome } from '../../../src/sdk/index.js';
import { receiverTls } from '../receiver-tls.js';
import { teamsMessage } from './card.js';

export default defineNotifierPlugin({
  info: { id: 'teams', version: '1.0.0', name: 'Microsoft Teams', description: 'Adaptive Card to an incoming webhook' },
  async send(ctx, { notification, config }) {
    const body = JSON.stringify(teamsMessage(notification, typeof config.link === 'string' ? config.link : undefined));
    return postForOutcome(String(config.url), body, { deadline: ctx.deadline, signal: ctx.signal, tls: receiverTls(config) }, 'Teams HTTP');
  },
});
