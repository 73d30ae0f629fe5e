// Ratios of counters kept since server start mislead on a fresh server (a handful of events makes
// 50%): below 24 h of uptime such findings are downgraded to info and say why. MySQLTuner asks for
// 24-48 h of uptime; MySQL Enterprise Monitor skips some advisors below 3 h.
import type { CheckContext, Finding, FindingDraft, ThresholdSpec } from '../../src/sdk/index.js';
import type { MysqlSnapshot } from './snapshot.js';
import { stat } from './server-values.js';

export const MIN_UPTIME_SECONDS = 24 * 3600;

export function judgeLifetimeRatio(
  ctx: CheckContext,
  data: MysqlSnapshot,
  spec: ThresholdSpec,
  value: number,
  draft: FindingDraft & { id?: string },
): Finding | null {
  const finding = ctx.judge(spec, value, draft);
  const uptime = stat(data, 'Uptime');
  if (!finding || uptime === null || uptime >= MIN_UPTIME_SECONDS) return finding;
  const hours = Math.round((uptime / 3600) * 10) / 10;
  return {
    ...finding,
    severity: 'info',
    detail: `${finding.detail} Reported as info, not ${finding.severity}: the server has been up only ${hours} h (< 24 h) and this ratio is computed from counters since start, which are not representative yet; rerun after 24 h of uptime.`,
    evidence: { ...finding.evidence, uptimeSeconds: uptime, severityAfter24h: finding.severity },
  };
}
