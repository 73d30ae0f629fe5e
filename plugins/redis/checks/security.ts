// security: no authentication required, protected mode off on a non-loopback bind, dangerous
// commands open to user `default`, and Redis versions past end of life.
import { defineCheck, defineThreshold, judgeValue } from '../../../src/sdk/index.js';
import type { CheckContext, Finding } from '../../../src/sdk/index.js';
import { configValue, dataNodes, skipOnce } from '../node-view.js';
import { stateRule } from '../state-rules.js';
import type { NodeSnapshot, RedisSnapshot } from '../snapshot.js';

export const VERSION = defineThreshold({
  id: 'redis.security.version', warning: 602, critical: 600, direction: 'below', unit: 'major*100+minor',
  source: 'RedisInsight: upgrade Redis < 6 (critical); redis.io release policy: 6.0 and older lines get no fixes (warning below 6.2: ksa) https://github.com/redis/redis/blob/unstable/SECURITY.md',
});

/** Whether clients get in without a password: true, false, or undefined when not determinable. */
export function authNotRequired(node: NodeSnapshot): boolean | undefined {
  const s = node.security;
  if (!s.authUsed) return true; // we got in without a password (or the one given was not needed)
  if (s.defaultUserFlags === null) return undefined;
  return s.defaultUserFlags.includes('on') && s.defaultUserFlags.includes('nopass');
}

const LOOPBACK = /^(127\.|::1$|-::1$|localhost$)/;

function exposedBind(bind: string): boolean {
  const addrs = bind.split(/\s+/).filter(Boolean);
  // An empty bind listens on every interface.
  return addrs.length === 0 || addrs.some((a) => !LOOPBACK.test(a.replace(/^-/, '')));
}

const noAuth = defineCheck<RedisSnapshot>({
  id: 'redis.security.no-auth',
  category: 'security',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const open = authNotRequired(node);
      if (open === undefined) {
        skipOnce(ctx, `${node.address}: ACL GETUSER refused (${node.refused['ACL GETUSER'] ?? 'not collected'}): whether user default needs a password is unknown; allow +acl|getuser`);
        return null;
      }
      if (!open) return null;
      const bind = node.config?.bind;
      const exposed = bind !== undefined && exposedBind(bind);
      return ctx.finding({
        id: 'redis.security.no-auth', threshold: stateRule('redis.security.no-auth'), severity: exposed ? 'critical' : 'warning', node: node.address,
        observed: { value: 'no password' },
        evidence: { passwordGivenButUnneeded: node.security.passwordUnneeded, defaultUserFlags: node.security.defaultUserFlags, bind: bind ?? 'unknown' },
        title: 'No authentication required',
        detail: `${node.address} accepts commands from anyone who can connect${exposed ? `, and listens on ${bind || 'every interface'}` : ''}${node.security.passwordUnneeded ? ' (the password given was not needed)' : ''}.`,
        suggestion: 'Set requirepass (or ACL SETUSER default on >password, or disable user default and create ACL users); keep it in a secret store.',
      });
    });
  },
});

const protectedMode = defineCheck<RedisSnapshot>({
  id: 'redis.security.protected-mode',
  category: 'security',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node) => {
      const mode = configValue(node, 'protected-mode', ctx, 'protected mode and bind');
      const bind = node.config?.bind;
      if (mode === undefined || bind === undefined || mode !== 'no' || !exposedBind(bind)) return null;
      // Protected mode only acts while user default has no password.
      const open = authNotRequired(node) !== false;
      return ctx.finding({
        id: 'redis.security.protected-mode', threshold: stateRule('redis.security.protected-mode'), severity: open ? 'critical' : 'info', node: node.address,
        observed: { value: 'protected-mode no' }, evidence: { 'protected-mode': mode, bind: bind || '(all interfaces)' },
        title: 'Protected mode off on a non-loopback bind',
        detail: `${node.address} listens on ${bind || 'every interface'} with protected-mode no${open ? ' and no password: anyone on the network can read, write and reconfigure it' : ''}.`,
        suggestion: 'Bind to private interfaces only and set a password; leave protected-mode yes unless both are in place.',
      });
    });
  },
});

const dangerous = defineCheck<RedisSnapshot>({
  id: 'redis.security.dangerous-commands',
  category: 'security',
  run(data, ctx) {
    return dataNodes(data, ctx).map((node): Finding | null => {
      const exposure = node.security.dangerousCommands;
      if (exposure === null) {
        const why = node.refused['ACL DRYRUN'] ?? node.refused['COMMAND INFO'] ?? 'not collected';
        skipOnce(ctx, `${node.address}: ACL DRYRUN/COMMAND INFO refused (${why}): dangerous commands not checked; needs Redis 7+ and +acl|dryrun`);
        return null;
      }
      const debug = node.config?.['enable-debug-command'];
      const allowed = Object.entries(exposure).filter(([name, e]) => e === 'allowed' && !(name === 'DEBUG' && (debug === 'no' || debug === 'local'))).map(([name]) => name);
      if (allowed.length === 0) return null;
      const open = authNotRequired(node) !== false;
      return ctx.finding({
        id: 'redis.security.dangerous-commands', threshold: stateRule('redis.security.dangerous-commands'), severity: open ? 'warning' : 'info', node: node.address,
        observed: { value: allowed.length, unit: 'commands' }, evidence: { allowedForDefaultUser: allowed, exposure, 'enable-debug-command': debug },
        title: 'Dangerous commands open to user default',
        detail: `${node.address}: user default may run ${allowed.join(', ')}${open ? ' without a password' : ''}.`,
        suggestion: 'Restrict user default with ACL (e.g. ACL SETUSER default -@dangerous) and give admins their own ACL user; rename-command is the pre-ACL alternative.',
      });
    });
  },
});

function versionCode(version: string | undefined): number | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return m ? Number(m[1]) * 100 + Number(m[2]) : undefined;
}

const version = defineCheck<RedisSnapshot>({
  id: 'redis.security.version',
  category: 'security',
  run(data, ctx: CheckContext) {
    return dataNodes(data, ctx).map((node) => {
      const v = node.info.redis_version;
      const code = versionCode(v);
      if (code === undefined) return null;
      const severity = judgeValue(ctx.threshold(VERSION), code);
      if (!severity) return null;
      return ctx.finding({
        id: VERSION.id, severity, node: node.address, threshold: VERSION,
        observed: { value: v ?? 'unknown', unit: 'version' }, evidence: { redis_version: v, versionCode: code },
        title: 'Redis version past end of life',
        detail: `${node.address} runs Redis ${v}, which no longer receives security fixes.`,
        suggestion: 'Upgrade to a maintained Redis release (7.2 or later); replicate to a new node and fail over to avoid downtime.',
      });
    });
  },
});

export const securityChecks = [noAuth, protectedMode, dangerous, version];
