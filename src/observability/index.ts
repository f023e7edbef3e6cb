export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { createRegistry, exposeMetrics, Registry } from './metrics.js';
export type { MetricSpec } from './metrics.js';
export { ObservabilityServer } from './http-server.js';
export type { ObservabilityServerOptions } from './http-server.js';
