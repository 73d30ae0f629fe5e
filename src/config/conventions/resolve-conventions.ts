// Resolves a manifest's `conventions:` into connection fields, each with the source that supplied
// it: the command line first (what the caller passes as `given`), then the declared sources in the
// client's precedence order (the first to give a field wins), then the declared defaults. Password
// files (pgpass format) are looked up last, with the resolved host, port, database and user, and
// only when no source listed before them gave a password.
import { statSync, readFileSync } from 'node:fs';
import { ksaError } from '../../core/errors.js';
import type { ConventionField, ConventionKey, Conventions, FileSource, UriSource } from '../../core/conventions-schema.js';
import { findPassword } from './pgpass-file.js';
import { parseIni, type IniSections } from './ini-file.js';
import { parseProperties } from './properties-file.js';
import { libpqUriKeywords } from './libpq-uri.js';

export type FieldValue = string | boolean;

export interface Supplied {
  value: FieldValue;
  /** Where it came from: `--user`, a variable name, `~/.pw line 3`, `the OS user`. */
  from: string;
}

export type Fields = Map<ConventionField, Supplied>;

export interface ConventionContext {
  env: NodeJS.ProcessEnv;
  home: string;
  osUser: string;
  /** The endpoint the user gave, when it is a URI (read by `from: uri` sources). */
  uri?: string | undefined;
  /** Option values given on the command line (for `pathOption`, `sectionSuffixOption`). */
  givenOptions: Readonly<Record<string, unknown>>;
  /** Whether the connection goes to a Unix socket (pgpass `localhost` rule). */
  socket?: boolean;
  /** The port used when no source gives one (the manifest's defaultPort). */
  defaultPort?: number | undefined;
}

export interface Resolution {
  fields: Fields;
  warnings: string[];
}

type Layer = Fields;

/** `given` is the command line: it wins over every source. */
export function resolveConventions(conventions: Conventions, given: Fields, ctx: ConventionContext): Resolution {
  const warnings: string[] = [];
  const layers: Layer[] = [given];
  // The service a service file section is chosen by may come from any source (URI, variable).
  const service = given.get('service') ?? conventions.sources.map((s) => (s.from === 'file' ? undefined : sourceLayer(s, ctx, undefined).get('service'))).find(Boolean);
  const lookups: { index: number; source: FileSource }[] = [];
  conventions.sources.forEach((source, i) => {
    if (source.from === 'file' && source.format === 'pgpass') {
      lookups.push({ index: layers.length, source });
      return;
    }
    layers.push(source.from === 'file' ? fileLayer(source, ctx, service, warnings) : sourceLayer(source, ctx, service));
  });
  const fields = merge(layers);
  if (!fields.has('user') && conventions.defaultUser === 'os-user' && ctx.osUser) fields.set('user', { value: ctx.osUser, from: 'the OS user' });
  for (const [field, value] of Object.entries(conventions.defaults ?? {})) {
    if (!fields.has(field)) fields.set(field, { value, from: 'the default' });
  }
  for (const { index, source } of lookups) {
    const earlier = merge(layers.slice(0, index));
    if (earlier.has('password')) break;
    const found = passwordFromFile(source, fields, ctx, warnings);
    if (found) {
      fields.set('password', found);
      break;
    }
  }
  return { fields, warnings };
}

function merge(layers: readonly Layer[]): Fields {
  const out: Fields = new Map();
  for (const layer of layers) for (const [k, v] of layer) if (!out.has(k)) out.set(k, v);
  return out;
}

/** Applies a key's declaration to a raw value: the field and the (mapped) value. */
function fieldOf(key: ConventionKey, raw: string, from: string): [ConventionField, FieldValue] {
  if (typeof key === 'string') return [key, raw];
  if (!key.map) return [key.field, raw];
  const hit = Object.entries(key.map).find(([k]) => k.toLowerCase() === raw.toLowerCase());
  if (!hit) throw ksaError('KSA_ERR_BAD_INPUT', `${from}: ${JSON.stringify(raw.slice(0, 40))} is not one of ${Object.keys(key.map).join(', ')}`, { fix: `set ${from} to one of ${Object.keys(key.map).join(', ')}` });
  return [key.field, hit[1]];
}

function sourceLayer(source: Exclude<Conventions['sources'][number], FileSource>, ctx: ConventionContext, _service: Supplied | undefined): Layer {
  const layer: Layer = new Map();
  if (source.from === 'env') {
    for (const [name, key] of Object.entries(source.vars)) {
      const raw = ctx.env[name];
      if (raw === undefined || raw === '') continue;
      const [field, value] = fieldOf(key, raw, name);
      if (!layer.has(field)) layer.set(field, { value, from: name });
    }
    return layer;
  }
  return uriLayer(source, ctx);
}

function uriLayer(source: UriSource, ctx: ConventionContext): Layer {
  const layer: Layer = new Map();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(ctx.uri ?? '')?.[1]?.toLowerCase();
  if (!ctx.uri || !scheme || !source.schemes.includes(scheme)) return layer;
  const keywords = libpqUriKeywords(ctx.uri);
  for (const [keyword, key] of Object.entries(source.keys)) {
    const raw = keywords[keyword];
    if (raw === undefined) continue;
    const [field, value] = fieldOf(key, raw, `the endpoint URI (${keyword})`);
    layer.set(field, { value, from: keyword === 'password' ? 'the endpoint URI' : `the endpoint URI (${keyword})` });
  }
  return layer;
}

/** `~/x` -> the home directory; shown back as `~/x` so paths in messages stay short. */
function expand(path: string, home: string): string {
  return path.startsWith('~/') ? `${home}/${path.slice(2)}` : path;
}

export function shownPath(path: string, home: string): string {
  return home && path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}

/** The files a source reads, each with how the user named it (for messages). */
function candidateFiles(source: FileSource, ctx: ConventionContext): { files: string[]; explicit: string | undefined } {
  const fromOption = source.pathOption ? ctx.givenOptions[source.pathOption] : undefined;
  if (typeof fromOption === 'string' && fromOption !== '') return { files: [fromOption], explicit: fromOption };
  const fromEnv = source.pathEnv ? ctx.env[source.pathEnv] : undefined;
  if (fromEnv) return { files: [fromEnv], explicit: undefined };
  return { files: source.paths.map((p) => expand(p, ctx.home)), explicit: undefined };
}

function readText(file: string, explicit: boolean): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (explicit) throw ksaError('KSA_ERR_BAD_INPUT', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { fix: 'check the path given and its permissions' });
    return undefined;
  }
}

/** libpq's rule for password files: ignored, with a warning, when group or others may read it. */
function tooOpen(source: FileSource, file: string, ctx: ConventionContext, warnings: string[]): boolean {
  if (!source.private) return false;
  try {
    const st = statSync(file);
    if (!st.isFile()) {
      warnings.push(`${shownPath(file, ctx.home)} is not a plain file; ignored`);
      return true;
    }
    if ((st.mode & 0o077) !== 0) {
      warnings.push(`${shownPath(file, ctx.home)} has group or world access (mode ${(st.mode & 0o777).toString(8)}); ignored, as the client does: chmod 0600 ${shownPath(file, ctx.home)}`);
      return true;
    }
  } catch {
    return true;
  }
  return false;
}

function fileLayer(source: FileSource, ctx: ConventionContext, service: Supplied | undefined, warnings: string[]): Layer {
  const layer: Layer = new Map();
  if (source.sectionFromService && !service) return layer;
  const { files, explicit } = candidateFiles(source, ctx);
  const keys = source.keys ?? {};
  if (source.format === 'properties') {
    for (const file of files) {
      const text = readText(file, file === explicit);
      if (text === undefined || tooOpen(source, file, ctx, warnings)) continue;
      for (const [name, prop] of parseProperties(text)) {
        const key = keys[name];
        if (key === undefined) continue;
        const [field, value] = fieldOf(key, prop.value, `${shownPath(file, ctx.home)} ${name}`);
        layer.set(field, { value, from: `${shownPath(file, ctx.home)} (${name}, line ${prop.line})` });
      }
      return layer;
    }
    return layer;
  }
  const optionFile = source.format === 'option-file';
  const sections = sectionNames(source, ctx, service);
  let found = false;
  // Option files: every file is read and later ones win; a service file: the first with the section.
  for (const file of optionFile ? [...files].reverse() : files) {
    const text = readText(file, file === explicit);
    if (text === undefined || tooOpen(source, file, ctx, warnings)) continue;
    const parsed: IniSections = parseIni(text, file, { optionFile });
    const inFile = sections.filter((s) => parsed.has(s));
    if (inFile.length === 0) continue;
    found = true;
    // Within a file the option read last wins, whichever of the sections it is in.
    const entries = inFile.flatMap((section) => [...parsed.get(section)!].map(([name, v]) => ({ section, name, v })));
    for (const { section, name, v } of entries.sort((a, b) => b.v.seq - a.v.seq)) {
      const key = keys[name];
      if (key === undefined) continue;
      const [field, value] = fieldOf(key, v.value, `${shownPath(v.file, ctx.home)} [${section}] ${name}`);
      if (!layer.has(field)) layer.set(field, { value, from: `${shownPath(v.file, ctx.home)} [${section}]` });
    }
    if (!optionFile) break;
  }
  if (source.sectionFromService && !found) {
    throw ksaError('KSA_ERR_BAD_INPUT', `service ${JSON.stringify(String(service!.value))} (from ${service!.from}) is not defined in ${files.map((f) => shownPath(f, ctx.home)).join(' or ') || 'any service file'}`, { fix: source.pathEnv ? `add a [${String(service!.value)}] section, or point ${source.pathEnv} at the file that has it` : `add a [${String(service!.value)}] section` });
  }
  return layer;
}

function sectionNames(source: FileSource, ctx: ConventionContext, service: Supplied | undefined): string[] {
  if (source.sectionFromService) return service ? [String(service.value)] : [];
  const base = source.sections ?? [];
  const fromOption = source.sectionSuffixOption ? ctx.givenOptions[source.sectionSuffixOption] : undefined;
  const suffix = typeof fromOption === 'string' && fromOption !== '' ? fromOption : source.sectionSuffixEnv ? ctx.env[source.sectionSuffixEnv] : undefined;
  return suffix ? [...base, ...base.map((s) => `${s}${suffix}`)] : base;
}

function passwordFromFile(source: FileSource, fields: Fields, ctx: ConventionContext, warnings: string[]): Supplied | undefined {
  const { files } = candidateFiles(source, ctx);
  const host = String(fields.get('host')?.value ?? (ctx.socket ? '' : 'localhost'));
  const port = Number(fields.get('port')?.value ?? ctx.defaultPort ?? 0);
  const user = String(fields.get('user')?.value ?? '');
  const database = String((source.databaseField ? fields.get(source.databaseField)?.value : undefined) ?? user);
  for (const file of files) {
    const text = readText(file, false);
    if (text === undefined || tooOpen(source, file, ctx, warnings)) continue;
    const hit = findPassword(text, { host, port, database, user, socket: ctx.socket === true }, source.localSockets);
    if (hit) return { value: hit.password, from: `${shownPath(file, ctx.home)} line ${hit.line}` };
    return undefined;
  }
  return undefined;
}
