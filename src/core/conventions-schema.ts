// The manifest's `conventions:`: where the middleware's own client finds its connection settings
// (environment variables, files, the connection URI), in that client's documented precedence
// order, highest first. ksa core reads them with one parser per file format (src/config/conventions/)
// before the plugin runs; command-line flags and the endpoint win over every source. The CLI and
// the config code know no middleware: everything specific is declared here.
import { z } from 'zod';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, 'an environment variable name');

/**
 * What a source value sets: a part of the target (user, password, host, port, endpoints, tls and
 * its files, the SASL-like mechanism), `service` (picks a section of a service file), or a
 * declared plugin option (`option.<key>`, checked like any option).
 */
export const CONVENTION_FIELD = /^(user|password|host|port|endpoints|tls|tlsCa|tlsCert|tlsKey|mechanism|service|option\.[A-Za-z][A-Za-z0-9_]*)$/;
export const ConventionFieldSchema = z.string().regex(CONVENTION_FIELD, 'user, password, host, port, endpoints, tls, tlsCa, tlsCert, tlsKey, mechanism, service or option.<key>');
export type ConventionField = z.infer<typeof ConventionFieldSchema>;

/** A key of a source -> the field it sets, optionally translating values (case-insensitive), e.g. SSL -> true. */
export const ConventionKeySchema = z.union([
  ConventionFieldSchema,
  z.strictObject({ field: ConventionFieldSchema, map: z.record(z.string(), z.union([z.string(), z.boolean()])).optional() }),
]);
export type ConventionKey = z.infer<typeof ConventionKeySchema>;

const keysSchema = z.record(z.string().min(1).max(80), ConventionKeySchema);

/** Variables of the client's environment. */
const EnvSourceSchema = z.strictObject({
  from: z.literal('env'),
  vars: z.record(envName, ConventionKeySchema),
});

/** The endpoint itself when it is a URI of one of these schemes (its parts and query parameters). */
const UriSourceSchema = z.strictObject({
  from: z.literal('uri'),
  format: z.enum(['libpq-uri']),
  schemes: z.array(z.string().regex(/^[a-z][a-z0-9+.-]*$/)).min(1),
  keys: keysSchema,
});

export const FILE_FORMATS = ['pgpass', 'ini', 'option-file', 'properties'] as const;

/** A file the client reads. Paths start with ~/ (the home directory) or /. */
const FileSourceSchema = z.strictObject({
  from: z.literal('file'),
  /** pgpass: host:port:db:user:password lines; ini: [section] key=value; option-file: groups, !include, last wins; properties: key=value (Java/librdkafka). */
  format: z.enum(FILE_FORMATS),
  /** Read in this order when no variable or option names the file (option-file: all, later win; others: the first that exists). */
  paths: z.array(z.string().regex(/^(~\/|\/)/, 'an absolute path or one starting with ~/')).max(8).default([]),
  /** A variable naming the file instead of `paths`. */
  pathEnv: envName.optional(),
  /** A declared option naming the file instead of `paths` and `pathEnv` (a flag such as a defaults file); it must exist. */
  pathOption: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/).optional(),
  /** Sections (groups) read, later ones winning within a file. */
  sections: z.array(z.string().min(1)).optional(),
  /** The section is the value of the `service` field (e.g. from a variable or the URI). */
  sectionFromService: z.boolean().optional(),
  /** A declared option and/or variable whose value is a suffix: [client<suffix>] is read too. */
  sectionSuffixOption: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/).optional(),
  sectionSuffixEnv: envName.optional(),
  keys: keysSchema.optional(),
  /** The client ignores the file, with a warning, when group or others may read it (libpq's 0600 rule). */
  private: z.boolean().optional(),
  /** pgpass: socket directories a `localhost` line matches. */
  localSockets: z.array(z.string().regex(/^\//)).optional(),
  /** pgpass: the field whose value is the database a line must match (e.g. option.database). */
  databaseField: ConventionFieldSchema.optional(),
});

export const ConventionSourceSchema = z.discriminatedUnion('from', [EnvSourceSchema, UriSourceSchema, FileSourceSchema]);
export type ConventionSource = z.infer<typeof ConventionSourceSchema>;
export type FileSource = z.infer<typeof FileSourceSchema>;
export type UriSource = z.infer<typeof UriSourceSchema>;

export const ConventionsSchema = z.strictObject({
  /** The client whose conventions these are (README table, --explain-auth). */
  client: z.string().min(1).max(80),
  /** Its documentation of them (one https page). */
  url: z.url({ protocol: /^https$/ }).max(300).optional(),
  /** When no source gives a user: the OS user, as the client does. */
  defaultUser: z.enum(['os-user']).optional(),
  /** Values used when no source gives them (they also feed password-file matching). */
  defaults: z.record(ConventionFieldSchema, z.string()).optional(),
  /** Highest precedence first. */
  sources: z.array(ConventionSourceSchema).min(1).max(16),
});
export type Conventions = z.infer<typeof ConventionsSchema>;

/** A convention naming an option the manifest does not declare would set nothing: refused at load. */
export function conventionProblems(m: { conventions?: Conventions | undefined; options?: Record<string, unknown> | undefined }): { path: (string | number)[]; message: string }[] {
  const declared = new Set(Object.keys(m.options ?? {}));
  const problems: { path: (string | number)[]; message: string }[] = [];
  const need = (key: string | undefined, path: (string | number)[]) => {
    if (key !== undefined && !declared.has(key)) problems.push({ path: ['conventions', ...path], message: `option ${key} is not declared in options:` });
  };
  const fieldOption = (k: ConventionKey) => { const f = typeof k === 'string' ? k : k.field; return f.startsWith('option.') ? f.slice(7) : undefined; };
  m.conventions?.sources.forEach((s, i) => {
    const keys = s.from === 'env' ? s.vars : s.keys ?? {};
    for (const [name, k] of Object.entries(keys)) need(fieldOption(k), ['sources', i, s.from === 'env' ? 'vars' : 'keys', name]);
    if (s.from === 'file') {
      need(s.pathOption, ['sources', i, 'pathOption']);
      need(s.sectionSuffixOption, ['sources', i, 'sectionSuffixOption']);
      if (s.databaseField) need(fieldOption(s.databaseField), ['sources', i, 'databaseField']);
    }
  });
  for (const f of Object.keys(m.conventions?.defaults ?? {})) need(fieldOption(f), ['defaults', f]);
  return problems;
}
