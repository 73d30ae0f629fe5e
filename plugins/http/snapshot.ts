// The http plugin's snapshot: per endpoint and declared check, what the GET answered and what the
// check's assertion extracted from the body (the body itself is not kept). Plain JSON.
import type { HttpCheckSpec } from './check-spec.js';

export interface HttpError {
  code: string;
  message: string;
}

export interface HttpAnswerSummary {
  status: number;
  latencyMs: number;
  finalUrl: string;
  redirects: Array<{ url: string; status: number }>;
  contentType: string | null;
  bodyBytes: number;
  /** The body was longer than maxResponseBytes: only its start was read. */
  truncated: boolean;
}

/** What the assertion found in the body: JSON-path values, or a regex match. */
export type HttpContent =
  | { kind: 'json'; values: unknown[] }
  | { kind: 'not-json'; excerpt: string }
  | { kind: 'text'; match: string | null }
  | { kind: 'too-large'; limit: number }
  | { kind: 'bad-assertion'; why: string };

/** Jolokia reports its own status inside a 200 answer (an unknown MBean is `status: 404` with `error`). */
export interface JolokiaStatus {
  status: number;
  error: string | null;
}

export interface HttpProbe {
  endpoint: string;
  check: HttpCheckSpec;
  url: string;
  answer: HttpAnswerSummary | null;
  error: HttpError | null;
  content: HttpContent | null;
  jolokia: JolokiaStatus | null;
}

// A type, not an interface: the contract kit takes snapshot data as Record<string, unknown>.
export type HttpSnapshot = {
  maxResponseBytes: number;
  probes: HttpProbe[];
};
