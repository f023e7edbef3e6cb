export { TransportLayer } from './transport-layer.js';
export { StreamFramer } from './stream-framer.js';
export type { StreamFramerSink } from './stream-framer.js';
export { readContentLength } from './content-length.js';
export type { ContentLengthResult } from './content-length.js';
export { canonicalAddress, formatHostPort, isIPv6, isWildcardAddress, stripBrackets } from './host-port.js';
export type {
  Destination,
  FramingErrorCode,
  ListenSpec,
  LocalEndpoint,
  SendResult,
  Source,
  StreamFramingErrorCode,
  TransportHandlers,
  TransportLayerOptions,
  TransportProtocol,
  TransportStats,
} from './types.js';
export { peerAddress } from './peer-address.js';
