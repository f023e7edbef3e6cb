export { EmbeddedMediaPort } from './embedded-media-port.js';
export type { EmbeddedMediaPortOptions } from './embedded-media-port.js';
export { EmbeddedEndpoint } from './embedded-endpoint.js';
export type { EndpointStats } from './endpoint-stats.js';
export type { PortRange } from './port-allocator.js';
export type { ReceiveStats } from './receive-statistics.js';
