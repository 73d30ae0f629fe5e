// The commands that turn this repository into an installed `ksa`, in one place: the tarball test
// (test/e2e/install-tarball.test.ts) runs them, and the Dockerfile's RUN steps must be the same
// (test/unit/dockerfile.test.ts parses the Dockerfile and compares).

/** Before packing, as CI does (.ci/run: `npm ci`; `npm test` starts with `npm run build`). */
export const BUILD_COMMANDS: readonly (readonly string[])[] = [['npm', 'ci'], ['npm', 'run', 'build']];

/** `npm pack` into a directory (the tarball test adds --json to read the file name back). */
export function packCommand(destination: string): string[] {
  return ['npm', 'pack', '--pack-destination', destination];
}

/** A global install of the packed tarball, optionally under a prefix (the test's temporary one). */
export function installCommand(tarball: string, prefix?: string): string[] {
  return ['npm', 'install', '-g', ...(prefix ? ['--prefix', prefix] : []), '--prefer-offline', '--no-audit', '--no-fund', tarball];
}
