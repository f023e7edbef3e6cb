export { FsmrfMediaPort } from './fsmrf-media-port.js';
export type { FsmrfMediaPortOptions } from './fsmrf-media-port.js';
export type { FsmrfServerConfig } from './media-server-pool.js';
export type { FsmrfLogger } from './fsmrf-logger.js';
export { FSMRF_ERROR_CODES } from './fsmrf-errors.js';
export type { FsmrfErrorCode } from './fsmrf-errors.js';
