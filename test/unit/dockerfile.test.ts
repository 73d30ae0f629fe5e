// The container image (issue 15 item 3). No engine runs here, so what can be checked without one
// is: the Dockerfile passes a Dockerfile linter (dockerfile-utils, the validator of the VS Code
// Docker language server) with its warnings raised to errors; its structure (multi-stage, small
// Node base, non-root numeric USER, `ksa` entrypoint, no ADD, the runtime stage takes only the
// tarball); its RUN steps are exactly the commands the tarball test runs (one shared list); and
// the .dockerignore lets in every build input and nothing else.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/services.js';
import { BUILD_COMMANDS, installCommand, packCommand } from '../support/install-commands.js';

const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; files: string[]; engines: { node: string }; scripts: Record<string, string> };

/** Every rule the validator can downgrade, as an error. */
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

/** Instructions per stage, in order (a stage starts at its FROM). */
function stages(): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'FROM') out.push([]);
    out.at(-1)?.push(i);
  }
  return out;
}

/** A RUN step as argv lists, one per `&&`-joined command (the Dockerfile uses no quoting there). */
function commands(stage: Instruction[]): string[][] {
  return stage.filter((i) => i.getKeyword() === 'RUN').flatMap((i) => i.getArgumentsContent()!.split('&&').map((c) => c.trim().split(/\s+/)));
}

/** FROM's image with the Dockerfile's ARG defaults substituted. */
function image(from: Instruction): string {
  const defaults = Object.fromEntries(dockerfile.getInitialARGs().map((a) => [a.getProperty()!.getName(), a.getProperty()!.getValue()]));
  return from.getArgumentsContent()!.split(/\s+/)[0]!.replace(/\$\{(\w+)\}/g, (_, name: string) => defaults[name] ?? '');
}

describe('Dockerfile', () => {
  it('passes the linter with every warning as an error (and the linter does flag a bad file)', () => {
    expect(validate(text, STRICT).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    const bad = validate("from node:20-bookworm-slim\nMAINTAINER someone\nENTRYPOINT ['ksa']\n", STRICT);
    expect(bad.length).toBeGreaterThanOrEqual(3);
  });

  it('is multi-stage on a small Node base of the supported major version', () => {
    const [build, runtime, ...more] = stages();
    expect(more).toEqual([]);
    expect(build![0]!.getArgumentsContent()).toMatch(/ AS build$/);
    const major = /\d+/.exec(pkg.engines.node)![0];
    for (const stage of [build!, runtime!]) expect(image(stage[0]!)).toBe(`node:${major}-bookworm-slim`);
  });

  it('runs as a non-root numeric user with ksa as the entrypoint', () => {
    const runtime = stages()[1]!;
    const users = runtime.filter((i) => i.getKeyword() === 'USER').map((i) => i.getArgumentsContent()!);
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.split(':').map(Number);
    expect(uid).toBeGreaterThan(0); // numeric (NaN fails): Kubernetes' runAsNonRoot can verify it
    expect(gid).toBeGreaterThan(0);
    const entrypoints = runtime.filter((i) => i.getKeyword() === 'ENTRYPOINT');
    expect(entrypoints.map((e) => JSON.parse(e.getArgumentsContent()!) as unknown)).toEqual([['ksa']]);
    // USER comes before anything the container runs.
    expect(runtime.indexOf(entrypoints[0]!)).toBeGreaterThan(runtime.findIndex((i) => i.getKeyword() === 'USER'));
  });

  it('fetches nothing by ADD and gives the runtime stage only the packed tarball', () => {
    expect(dockerfile.getInstructions().filter((i) => i.getKeyword() === 'ADD')).toEqual([]);
    const copies = stages()[1]!.filter((i) => i.getKeyword() === 'COPY').map((i) => i.getTextContent());
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^COPY --from=build \S+ \S+$/);
  });

  it('builds and installs with exactly the commands the tarball test runs', () => {
    const [build, runtime] = stages();
    const built = commands(build!);
    const dest = built.at(-1)![3]!;
    expect(built).toEqual([...BUILD_COMMANDS, packCommand(dest)]);
    // The runtime stage copies that directory and installs the tarball npm pack names.
    const [from, to] = stages()[1]!.find((i) => i.getKeyword() === 'COPY')!.getArgumentsContent()!.split(/\s+/);
    expect(from!.replace(/\/$/, '')).toBe(dest);
    const [install, ...cleanup] = commands(runtime!);
    const tarball = install!.at(-1)!;
    expect(install).toEqual(installCommand(tarball));
    const packed = `${to}${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`;
    expect(new RegExp(`^${tarball.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`).test(packed), `${tarball} does not match ${packed}`).toBe(true);
    expect(cleanup).toEqual([['rm', '-rf', to!.replace(/\/$/, '')], ['npm', 'cache', 'clean', '--force']]);
  });

  it('builds as CI does: .ci/run starts with npm ci, npm test with npm run build', () => {
    expect(readFileSync(join(repoRoot, '.ci', 'run'), 'utf8')).toMatch(/^npm ci\b/m);
    expect(pkg.scripts.test!.startsWith('npm run build')).toBe(true);
  });
});

describe('.dockerignore', () => {
  const lines = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));

  it('is an allowlist: everything is excluded first', () => {
    expect(lines[0]).toBe('*');
    for (const secretOrBuilt of ['node_modules', 'dist', '.services', '.git', 'test']) expect(allowed).not.toContain(secretOrBuilt);
  });

  it('lets in every build input: the lock file, tsconfig sources, the packed files and the build scripts', () => {
    const tsconfig = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.json'), 'utf8')) as { include: string[] };
    const sourceRoots = tsconfig.include.map((g) => g.split('/')[0]!);
    const packed = pkg.files.filter((f) => f !== 'dist'); // dist is what the build makes
    const buildScripts = pkg.scripts.build!.match(/scripts\/[\w.-]+/g) ?? [];
    expect(buildScripts.length).toBeGreaterThan(0);
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', ...sourceRoots, ...packed, ...buildScripts];
    // Each needed path is let in (itself or a directory above it), and nothing else is.
    const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
    for (const path of needed) expect(allowed.some((a) => under(path, a)), path).toBe(true);
    for (const a of allowed) expect(needed.some((path) => under(path, a)), a).toBe(true);
    // A packed glob (plugins/recovery/*/plugin.yaml) exists when the directory before its first * does.
    for (const path of needed) expect(existsSync(join(repoRoot, path.split('/*')[0]!)), path).toBe(true);
  });
});
