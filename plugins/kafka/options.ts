// target.options for Kafka, as the CLI passes them (--group, --topic, --samples, --interval).
import { ksaError } from '../../src/sdk/index.js';

export interface KafkaOptions {
  /** Consumer groups to check; empty = every group ListGroups returns. */
  groups: string[];
  /** Topic globs (`*`, `?`); empty = every topic. */
  topics: string[];
  /** Offset samples for Burrow's evaluation; 1 = a single lag reading. */
  samples: number;
  intervalMs: number;
}

export const DEFAULT_INTERVAL_MS = 1_000;

const strings = (name: string, value: unknown): string[] => {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && v !== '')) {
    throw ksaError('KSA_ERR_BAD_INPUT', `kafka option ${name} must be a list of non-empty strings`);
  }
  return [...new Set(list as string[])];
};

const positiveInt = (name: string, value: unknown, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw ksaError('KSA_ERR_BAD_INPUT', `kafka option ${name} must be a positive integer`);
  }
  return value;
};

export function readKafkaOptions(options: Record<string, unknown>): KafkaOptions {
  return {
    groups: strings('group', options.group),
    topics: strings('topic', options.topic),
    samples: positiveInt('samples', options.samples, 1),
    intervalMs: positiveInt('intervalMs', options.intervalMs, DEFAULT_INTERVAL_MS),
  };
}

/** `orders-*` -> /^orders-.*$/ ; the only glob characters are `*` and `?`. */
export function topicMatcher(globs: readonly string[]): (topic: string) => boolean {
  if (globs.length === 0) return () => true;
  const patterns = globs.map((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (topic) => patterns.some((p) => p.test(topic));
}
