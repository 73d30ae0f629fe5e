// `--listen host:port` (or `[ipv6]:port`): where ksa serve accepts connections.
import { ksaError } from '../core/errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:9469';

export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port > 65535) {
    throw ksaError('KSA_ERR_BAD_INPUT', `--listen ${JSON.stringify(text.slice(0, 80))} is not host:port`, { fix: 'use --listen 127.0.0.1:9469, [::1]:9469 or 0.0.0.0:9469 (port 0 picks a free one)' });
  }
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}
