export { WireFramer, encodeWireMessage } from './wire-framer.js';
export type { WireFramerOptions, WireFramerSink, WireFramingErrorCode } from './wire-framer.js';
export {
  parseWireMessage, newMsgId, wireTime, sipByteLength,
  formatOk, formatNok, formatNo, formatRequestSentAck, formatResponseSentAck,
  formatProxyContinue, formatProxyDone, formatSipEvent, formatCdr,
} from './wire-message.js';
export type {
  WireMessage, WireParseResult, WireParseErrorCode, RequestSentAck, ResponseSentAck,
  ProxyContinue, SipEvent, CdrEvent, CdrRole,
} from './wire-message.js';
export { WireServer, DEFAULT_WIRE_VERSION } from './wire-server.js';
export type { WireServerOptions, WireServerCallbacks, WireServerStats, WireLogger } from './wire-server.js';
export type { AppConnection } from './control-connection.js';
