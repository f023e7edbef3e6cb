export { parseEngineFlags, readEngineFlags, parseContact, formatFlagErrors } from './engine-flags.js';
export type { EngineFlags, FlagError, FlagResult } from './engine-flags.js';
