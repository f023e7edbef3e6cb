export { Engine } from './engine.js';
export type { EngineOptions } from './engine.js';
export type { Listener, Protocol } from './identity.js';
