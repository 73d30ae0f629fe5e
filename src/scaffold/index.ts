// `ksa plugin new`: the plugin package scaffold.
export { scaffoldPlugin } from './generate.js';
export { SCAFFOLD_TYPES } from './generate.js';
export type { ScaffoldRequest, ScaffoldResult, ScaffoldType } from './generate.js';
export { namesOf } from './names.js';
export type { PluginNames } from './names.js';
