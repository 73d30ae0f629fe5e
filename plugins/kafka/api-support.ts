// Whether a broker supports a Kafka API, from the ApiVersions recorded in the snapshot. Plain data
// logic shared by collect and the checks; checks run offline, so nothing here loads the driver.
import type { ApiName } from './kafka-wire.js';

export function supports(apiVersions: Record<string, { min: number; max: number }> | null, api: ApiName): boolean {
  const v = apiVersions?.[api];
  return v !== undefined && v.max >= 0 && v.max >= v.min;
}
