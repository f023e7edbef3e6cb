/**
 * The SIP message layer: parsing, serialising and inspecting SIP messages, and the
 * stateless checks that decide the first response to a malformed or unsupported one.
 */
export type {
  SipHeader,
  SipRequest,
  SipResponse,
  SipMessage,
  SipUri,
  NameAddr,
  Via,
  CSeq,
  ParseErrorCode,
  ParseResult,
} from './types.js';
export { parseMessage, DEFAULT_MAX_SIZE, type ParseOptions } from './parse-message.js';
export { serializeMessage, withContentLength } from './serialize-message.js';
export {
  headerKey,
  isListHeader,
  getHeader,
  getHeaderLines,
  getHeaderValues,
  setHeader,
  addHeader,
  removeHeader,
  countHeaderLines,
} from './headers.js';
export { splitHeaderList } from './split-list.js';
export { parseUri, formatUri } from './uri.js';
export { unescapeUriPart } from './unescape.js';
export { parseNameAddr, formatNameAddr, tagOf } from './name-addr.js';
export { parseVia, formatVia } from './via.js';
export { parseCSeq, formatCSeq, MAX_CSEQ } from './cseq.js';
export { getParam, setParam, removeParam, formatParams, type Params } from './params.js';
export type { CheckResult } from './check-result.js';
export { checkRequest, rejectUnparsable } from './check-request.js';
export { checkResponse, viaTargetsBroadcast, type ResponseCheck } from './check-response.js';
export { checkMethod, isKnownMethod, KNOWN_METHODS } from './check-method.js';
export { checkRequire } from './check-require.js';
export { checkAcceptsSdp, checkContentType, mediaTypeOf } from './check-content.js';
export { checkMaxForwards, getMaxForwards } from './check-max-forwards.js';
export { checkRegister } from './check-register.js';
export { buildResponse, type BuildResponseOptions } from './build-response.js';
export { defaultReason } from './reason-phrases.js';
export { ownString, keepBytes, keptBuffer, type KeptBytes } from './kept.js';
