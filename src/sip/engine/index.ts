export { Engine } from './engine.js';
export type { EngineMetrics, EngineOptions } from './engine.js';
export type { Listener, Protocol } from './identity.js';
