// Parsers for the four-letter-word replies. Pure; tested on recorded replies.

/** `srvr`: "Key: value" lines; Latency min/avg/max in ms. */
export function parseSrvr(text) {
  const fields = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) fields[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  const [min, avg, max] = (fields['Latency min/avg/max'] ?? '').split('/').map(Number);
  const num = (k) => (fields[k] === undefined || Number.isNaN(Number(fields[k])) ? null : Number(fields[k]));
  return {
    version: (fields['Zookeeper version'] ?? '').split(',')[0].split('-')[0] || null,
    mode: fields.Mode ?? null,
    latencyMin: Number.isFinite(min) ? min : null,
    latencyAvg: Number.isFinite(avg) ? avg : null,
    latencyMax: Number.isFinite(max) ? max : null,
    outstanding: num('Outstanding'),
    nodeCount: num('Node count'),
    connections: num('Connections'),
  };
}

/** The mntr keys the checks use (mntr has hundreds; the snapshot keeps these). */
export const MNTR_KEYS = [
  'zk_version', 'zk_server_state', 'zk_avg_latency', 'zk_max_latency', 'zk_outstanding_requests',
  'zk_znode_count', 'zk_watch_count', 'zk_ephemerals_count', 'zk_approximate_data_size',
  'zk_num_alive_connections', 'zk_open_file_descriptor_count', 'zk_max_file_descriptor_count',
  'zk_followers', 'zk_synced_followers', 'zk_pending_syncs',
];

/** `mntr`: "key<TAB>value" lines; numbers become numbers. */
export function parseMntr(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const [key, ...rest] = line.split('\t');
    if (!MNTR_KEYS.includes(key)) continue;
    const value = rest.join('\t').trim();
    out[key] = value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
  }
  return out;
}

/** `cons`: one line per connection, " /ip:port[1](queued=0,recved=1,...)". */
export function parseCons(text) {
  const byClient = {};
  let total = 0;
  let maxQueued = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*\/(.+):(\d+)\[\d+\]\((.*)\)\s*$/.exec(line);
    if (!m) continue;
    total += 1;
    byClient[m[1]] = (byClient[m[1]] ?? 0) + 1;
    const queued = /queued=(\d+)/.exec(m[3]);
    if (queued) maxQueued = Math.max(maxQueued, Number(queued[1]));
  }
  return { total, byClient, maxQueued };
}
