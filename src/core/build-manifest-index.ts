// Build step: validate manifests/*.yaml with zod and write dist/manifest-index.json, so that the
// CLI reads built-in manifests without loading yaml and zod at every start.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBuiltinYaml } from './manifest-reader.js';
import { MANIFEST_INDEX } from './loader.js';
import { packageRoot } from './package-root.js';

const root = packageRoot();
const records = readBuiltinYaml(root);
writeFileSync(join(root, MANIFEST_INDEX), `${JSON.stringify(records.map((r) => r.manifest), null, 1)}\n`);
process.stdout.write(`manifest index: ${records.map((r) => r.manifest.id).join(', ') || 'no plugins'}\n`);
