export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { LinegateError } from './errors.js';
export { ignoreMissingFile, writeFileDurably, syncDirectory } from './durable-file.js';
export { ownString } from './own-string.js';
export { StringInterner } from './string-interner.js';
export { BoundedCache } from './bounded-cache.js';
