// The shipped rule packs by name (option packs): one category and one file each under checks/.
import { KAFKA_RULES } from './checks/kafka.js';
import { KAFKA_JMX_RULES } from './checks/kafka-jmx.js';
import { MYSQL_RULES } from './checks/mysql.js';
import { POSTGRES_RULES } from './checks/postgres.js';
import { REDIS_RULES } from './checks/redis.js';
import type { PackRule } from './pack-rule.js';

export const PACK_NAMES = ['kafka', 'kafka-jmx', 'redis', 'postgres', 'mysql'] as const;
export type PackName = (typeof PACK_NAMES)[number];

export const PACKS: Record<PackName, readonly PackRule[]> = {
  kafka: KAFKA_RULES,
  'kafka-jmx': KAFKA_JMX_RULES,
  redis: REDIS_RULES,
  postgres: POSTGRES_RULES,
  mysql: MYSQL_RULES,
};
