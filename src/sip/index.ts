/**
 * The embedded SIP engine, a drop-in for drachtio-server (see
 * ../shared/design/drachtio-wire-protocol.md). Start it in-process with
 * `Engine.start(options)`, or run `bin/linegate engine` with drachtio-server's flags.
 */
export { Engine } from './engine/index.js';
export type { EngineMetrics, EngineOptions, Listener, Protocol } from './engine/index.js';
