// The `serve:` section of ksa.yaml (docs/SERVE.md): where to listen, TLS, the API's bearer tokens
// and what /probe may reach. The flags (--listen) win over the file.
import { z } from 'zod';

const duration = z.string().regex(/^\d+(?:\.\d+)?(ms|s|m|h)$/, 'a duration such as 500ms, 10s or 2m');

export const ScopeSchema = z.enum(['read', 'admin']);

/** A bearer token, read from a file (re-read at every request: a rotated Secret needs no restart) or an env var. */
export const ServeTokenSchema = z.strictObject({
  /** Shown in the audit log instead of the token. */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits and . _ -'),
  scope: ScopeSchema,
  file: z.string().min(1).optional(),
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
}).refine((t) => (t.file === undefined) !== (t.env === undefined), 'give exactly one of file: or env:');

export const ServeConfigSchema = z.strictObject({
  /** host:port; --listen wins. */
  listen: z.string().optional(),
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  auth: z.strictObject({
    tokens: z.array(ServeTokenSchema).default([]),
    /** /metrics, /probe and the status page without a token (default true: what a Prometheus scrape expects). */
    publicMetrics: z.boolean().default(true),
  }).default({ tokens: [], publicMetrics: true }),
  probe: z.strictObject({
    /** A result this young answers /probe without a new cycle (default 5s). */
    cache: duration.default('5s'),
    /**
     * Ad-hoc endpoints (`/probe?module=<type>&target=<host:port>`): per middleware type, the
     * endpoints allowed, as patterns where `*` matches within one label or port (`10.0.0.*:6379`).
     * Absent: only configured targets can be probed.
     */
    adhoc: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.array(z.string().min(1)).min(1)).optional(),
  }).default({ cache: '5s' }),
  /** A client must send its request headers within this (default 10s), and the whole request within requestTimeout (30s): slow clients are cut off. */
  headersTimeout: duration.default('10s'),
  requestTimeout: duration.default('30s'),
  /** Request bodies larger than this are refused with 413 (default 64 KiB). */
  maxBodyBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
});

export type ServeConfig = z.infer<typeof ServeConfigSchema>;
export type Scope = z.infer<typeof ScopeSchema>;
export type ServeToken = z.infer<typeof ServeTokenSchema>;

export const DEFAULT_SERVE_CONFIG: ServeConfig = ServeConfigSchema.parse({});
