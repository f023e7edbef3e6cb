/**
 * The SIP message model shared by every layer of the embedded engine.
 *
 * Headers are kept as an ordered list of (name, value) pairs exactly as they were
 * written (name spelling preserved, folding undone, one entry per header line):
 * serialising gives back what a peer sent, which drachtio-srf relies on because it
 * parses the messages we echo (wire protocol §6.1). Structured views (URI, Via,
 * name-addr, CSeq) are parsed on demand by the functions in this folder.
 */
export interface SipHeader {
  /** As written on the wire, e.g. `Via`, `v`, `call-id`. Compare with headerKey(). */
  name: string;
  /** Unfolded (RFC 3261 §7.3.1), leading/trailing whitespace trimmed. */
  value: string;
}

export interface SipRequest {
  type: 'request';
  method: string;
  /** The Request-URI as written. */
  uri: string;
  /** `SIP/2.0` */
  version: string;
  headers: SipHeader[];
  body: Buffer;
}

export interface SipResponse {
  type: 'response';
  status: number;
  reason: string;
  version: string;
  headers: SipHeader[];
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

export interface SipUri {
  /** Lower-cased: `sip`, `sips`, `tel`, or any other scheme (kept for 416 decisions). */
  scheme: string;
  /** Still %-escaped, as written. */
  user?: string;
  password?: string;
  /** IPv6 references keep their brackets: `[::1]`. */
  host: string;
  port?: number;
  /** URI parameters in order; a parameter without `=` has value null. */
  params: Array<[string, string | null]>;
  /** `?h=v&…` header part, still escaped, without the `?`. */
  headers?: string;
}

export interface NameAddr {
  /** Unquoted and unescaped display name, if any. */
  displayName?: string;
  /** The URI text (inside <> if it was bracketed). */
  uri: string;
  /** Header parameters after the URI (tag, expires, q, …), in order. */
  params: Array<[string, string | null]>;
}

export interface Via {
  /** `SIP/2.0/UDP` → protocol `SIP/2.0`, transport `UDP` (upper-cased). */
  protocol: string;
  transport: string;
  host: string;
  port?: number;
  params: Array<[string, string | null]>;
}

export interface CSeq {
  seq: number;
  method: string;
}

/** Why a message could not be parsed; stable codes for metrics and tests. */
export type ParseErrorCode =
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'BAD_START_LINE'
  | 'BAD_VERSION'
  | 'BAD_STATUS'
  | 'BAD_HEADER'
  | 'BAD_CONTENT_LENGTH'
  | 'TRUNCATED_BODY'
  | 'MISSING_HEADER'
  | 'BAD_HEADER_VALUE';

export type ParseResult =
  | { ok: true; message: SipMessage }
  | {
      ok: false;
      code: ParseErrorCode;
      error: string;
      /**
       * When the start line and headers could be read, they are given here so the
       * caller can still answer a request with 400/505 (RFC 3261 §8.2.2/§16.3).
       */
      partial?: SipMessage;
    };
