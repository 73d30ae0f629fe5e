// persistence: last RDB save status and age (with unsaved changes), AOF write/rewrite status, and
// persistence disabled altogether.
import { defineCheck, defineThreshold } from '../../../src/sdk/index.js';
import { configValue, dataNodes, infoNumber } from '../node-view.js';
import { stateRule } from '../state-rules.js';
import type { RedisSnapshot } from '../snapshot.js';

export const RDB_AGE = defineThreshold({
  id: 'redis.persistence.rdb-age', warning: 48, critical: null, direction: 'above', unit: 'h',
  source: 'awesome-prometheus-alerts redis RedisMissingBackup: no RDB save in 48 h (with unsaved changes: ksa) https://samber.github.io/awesome-prometheus-alerts/rules/databases/redis/#rule-2-7-1-16',
});

const rdbStatus = defineCheck<RedisSnapshot>({
  id: 'redis.persistence.rdb-status',
  category: 'persistence',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const status = node.info.rdb_last_bgsave_status;
      if (status === undefined || status === 'ok') return null;
      return ctx.finding({
        id: 'redis.persistence.rdb-status', threshold: stateRule('redis.persistence.rdb-status'), severity: 'critical', node: node.address, observed: { value: status },
        evidence: { rdb_last_bgsave_status: status, rdb_changes_since_last_save: infoNumber(node, 'rdb_changes_since_last_save'), rdb_last_save_time: infoNumber(node, 'rdb_last_save_time') },
        title: 'Last RDB save failed',
        detail: `${node.address}: the last BGSAVE failed; ${infoNumber(node, 'rdb_changes_since_last_save') ?? '?'} changes are not on disk${node.config?.save ? ' and with stop-writes-on-bgsave-error yes Redis refuses writes' : ''}.`,
        suggestion: 'Read the Redis log for the cause (disk full, dir not writable or removed, fork failed: check vm.overcommit_memory=1), fix it and run BGSAVE.',
      });
    });
  },
});

const rdbAge = defineCheck<RedisSnapshot>({
  id: 'redis.persistence.rdb-age',
  category: 'persistence',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const save = configValue(node, 'save', ctx, 'RDB save age');
      const changes = infoNumber(node, 'rdb_changes_since_last_save') ?? 0;
      const last = infoNumber(node, 'rdb_last_save_time');
      // No schedule, or nothing new since the last save: the age says nothing.
      if (save === undefined || save.trim() === '' || changes === 0 || last === undefined) return null;
      const hours = Math.max(0, data.collectedAtMs / 1000 - last) / 3600;
      return ctx.judge(RDB_AGE, hours, {
        node: node.address, evidence: { rdb_last_save_time: last, rdb_changes_since_last_save: changes, save },
        title: 'No recent RDB save',
        detail: `${node.address} last saved ${Math.round(hours)} h ago with ${changes} changes since.`,
        suggestion: 'Check why the save schedule does not trigger (save rules vs write rate) and that BGSAVE succeeds; copy RDB files off the host.',
      });
    });
  },
});

const aofStatus = defineCheck<RedisSnapshot>({
  id: 'redis.persistence.aof-status',
  category: 'persistence',
  run(data, ctx) {
    return dataNodes(data, ctx).filter((n) => n.info.aof_enabled === '1').map((node) => {
      const write = node.info.aof_last_write_status ?? 'ok';
      const rewrite = node.info.aof_last_bgrewrite_status ?? 'ok';
      if (write === 'ok' && rewrite === 'ok') return null;
      return ctx.finding({
        id: 'redis.persistence.aof-status', threshold: stateRule('redis.persistence.aof-status'), severity: 'critical', node: node.address,
        observed: { value: write !== 'ok' ? `write ${write}` : `rewrite ${rewrite}` },
        evidence: { aof_last_write_status: write, aof_last_bgrewrite_status: rewrite, aof_rewrites_consecutive_failures: infoNumber(node, 'aof_rewrites_consecutive_failures') },
        title: 'AOF write or rewrite failed',
        detail: `${node.address}: aof_last_write_status ${write}, aof_last_bgrewrite_status ${rewrite}.`,
        suggestion: 'Read the Redis log (disk full or not writable, fork failure), fix it, then BGREWRITEAOF.',
      });
    });
  },
});

const disabled = defineCheck<RedisSnapshot>({
  id: 'redis.persistence.disabled',
  category: 'persistence',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const save = configValue(node, 'save', ctx, 'persistence disabled');
      if (save === undefined || save.trim() !== '' || node.info.aof_enabled === '1') return null;
      return ctx.finding({
        id: 'redis.persistence.disabled', threshold: stateRule('redis.persistence.disabled'), severity: 'info', node: node.address, observed: { value: 'disabled' },
        evidence: { save, aof_enabled: node.info.aof_enabled },
        title: 'Persistence disabled',
        detail: `${node.address} has no RDB schedule and no AOF: a restart loses every key.`,
        suggestion: 'Fine for a pure cache; otherwise set save rules or appendonly yes.',
      });
    });
  },
});

export const persistenceChecks = [rdbStatus, rdbAge, aofStatus, disabled];
