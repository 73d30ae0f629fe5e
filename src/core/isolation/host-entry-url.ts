// Hosts always run compiled JavaScript: when ksa itself runs from TypeScript sources (vitest),
// point at the same file under dist/.
export function hostEntryUrl(fileName: 'worker-entry' | 'child-entry'): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) {
    return new URL(here.href.replace(/\/src\/core\/isolation\/[^/]+\.ts$/, `/dist/src/core/isolation/${fileName}.js`));
  }
  return new URL(`./${fileName}.js`, here);
}
