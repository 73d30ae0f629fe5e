// The TLS options every HTTP notifier declares (caFile, insecure), as the SDK's TLS material.
import { readTlsMaterial, type TlsMaterial } from '../../src/sdk/index.js';

export function receiverTls(config: Record<string, unknown>): TlsMaterial | undefined {
  const caFile = typeof config.caFile === 'string' ? config.caFile : undefined;
  const insecure = config.insecure === true;
  if (!caFile && !insecure) return undefined;
  return readTlsMaterial({ enabled: true, ...(caFile ? { caFile } : {}), rejectUnauthorized: !insecure });
}
