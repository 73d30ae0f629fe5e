// I/O only: the words the requested categories need, concurrently, each on its own connection.
// A word the server refuses (4lw.commands.whitelist) skips exactly the categories that need it.
import { classifyReply, NOT_SERVING, NOT_WHITELISTED, sendWord } from './four-letter-word.js';
import { parseCons, parseMntr, parseSrvr } from './parse.js';

export const WHITELIST_FIX = 'set 4lw.commands.whitelist=mntr,srvr,ruok,cons in zoo.cfg (or -Dzookeeper.4lw.commands.whitelist) and restart the server';

/** Which words each category reads; the first available word in a list is enough. */
const NEEDS = {
  server: ['srvr'],
  requests: ['mntr', 'srvr'],
  data: ['mntr'],
  quorum: ['mntr'],
  resources: ['mntr'],
  connections: ['cons'],
};

const PARSERS = { srvr: parseSrvr, mntr: parseMntr, cons: parseCons };

export async function collect(ctx, conn, { categories }) {
  const words = [...new Set(categories.flatMap((c) => NEEDS[c] ?? []))];
  const replies = await Promise.all(words.map((w) => sendWord(ctx, conn.guard, conn.address, w)));
  const data = { ruok: conn.ruok, refused: [], notServing: false, srvr: null, mntr: null, cons: null, maxClientCnxns: conn.maxClientCnxns };
  for (const [i, word] of words.entries()) {
    const kind = classifyReply(replies[i]);
    if (kind === NOT_WHITELISTED) data.refused.push(word);
    else if (kind === NOT_SERVING) data.notServing = true;
    else data[word] = PARSERS[word](replies[i]);
  }
  const skipped = {};
  for (const category of categories) {
    const needs = NEEDS[category] ?? [];
    if (data.notServing && category !== 'server') {
      skipped[category] = 'the server is not serving requests (no quorum or still starting): see the server category';
    } else if (needs.length > 0 && needs.every((w) => data.refused.includes(w))) {
      skipped[category] = `${needs.join(' and ')} ${needs.length > 1 ? 'are' : 'is'} not in the server's 4lw.commands.whitelist: ${WHITELIST_FIX}`;
    }
  }
  return { data, skipped };
}
