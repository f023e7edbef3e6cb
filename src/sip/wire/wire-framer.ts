/**
 * Framing of the drachtio control channel (drachtio wire protocol §2): each message is
 * `<decimal length>#<payload>`, the length counting the payload's UTF-8 bytes, with no
 * trailing delimiter. Messages may be packed several per chunk or split anywhere, even
 * inside the length prefix, so the framer is a byte-level state machine.
 */

export type WireFramingErrorCode = 'length-too-long' | 'length-not-digit' | 'length-empty';

export interface WireFramerSink {
  /** One complete payload, decoded as UTF-8 once all of its bytes are in. */
  onMessage(payload: string): void;
  /** A malformed length prefix: the framer has stopped; the owner drops the connection. */
  onError(code: WireFramingErrorCode, detail: string): void;
}

export interface WireFramerOptions {
  /**
   * Most digits accepted in a length prefix. drachtio-server reads at most 5, so a 6th
   * digit drops the client (wire protocol §2): the default, for the server side.
   */
  maxDigits?: number;
}

const HASH = 0x23;
const ZERO = 0x30;
const NINE = 0x39;
/** 15 digits stay below Number.MAX_SAFE_INTEGER. */
const DIGITS_LIMIT = 15;

export class WireFramer {
  private readonly maxDigits: number;
  private length = 0;
  private digits = 0;
  private inPayload = false;
  /** Payload bytes received so far, when the payload spans chunks. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private stopped = false;

  constructor(
    private readonly sink: WireFramerSink,
    options: WireFramerOptions = {},
  ) {
    const maxDigits = options.maxDigits ?? 5;
    if (!Number.isInteger(maxDigits) || maxDigits < 1 || maxDigits > DIGITS_LIMIT) {
      throw new RangeError(`maxDigits must be an integer from 1 to ${DIGITS_LIMIT}`);
    }
    this.maxDigits = maxDigits;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Takes the next bytes of the channel. Partial payloads keep references to the chunks
   * (no copy); the caller must not reuse them. Calling push from a sink callback is not supported.
   */
  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n && !this.stopped) {
      i = this.inPayload ? this.readPayload(chunk, i) : this.readPrefixByte(chunk, i);
    }
  }

  /** Stops framing for good and drops any partial payload. */
  stop(): void {
    this.stopped = true;
    this.parts = [];
    this.partsBytes = 0;
  }

  private readPrefixByte(chunk: Buffer, i: number): number {
    const b = chunk[i] ?? 0;
    if (b === HASH) {
      if (this.digits === 0) return this.fail('length-empty', 'message starts with `#`');
      this.inPayload = true;
      // An empty payload is complete at once, whatever follows in the stream.
      if (this.length === 0) this.deliver('');
      return i + 1;
    }
    if (b < ZERO || b > NINE) {
      return this.fail('length-not-digit', `byte 0x${b.toString(16).padStart(2, '0')} in the length prefix`);
    }
    if (++this.digits > this.maxDigits) {
      return this.fail('length-too-long', `length prefix longer than ${this.maxDigits} digits`);
    }
    this.length = this.length * 10 + (b - ZERO);
    return i + 1;
  }

  private readPayload(chunk: Buffer, i: number): number {
    const available = chunk.length - i;
    const missing = this.length - this.partsBytes;
    if (this.partsBytes === 0 && available >= missing) {
      // Whole payload inside this chunk: decode in place.
      this.deliver(chunk.toString('utf8', i, i + missing));
      return i + missing;
    }
    if (available < missing) {
      this.parts.push(chunk.subarray(i));
      this.partsBytes += available;
      return chunk.length;
    }
    // Decode only now: a multi-byte character may straddle the chunks.
    this.parts.push(chunk.subarray(i, i + missing));
    const payload = Buffer.concat(this.parts, this.length).toString('utf8');
    this.deliver(payload);
    return i + missing;
  }

  private deliver(payload: string): void {
    this.length = 0;
    this.digits = 0;
    this.inPayload = false;
    this.parts = [];
    this.partsBytes = 0;
    this.sink.onMessage(payload);
  }

  private fail(code: WireFramingErrorCode, detail: string): number {
    this.stop();
    this.sink.onError(code, detail);
    return Number.MAX_SAFE_INTEGER;
  }
}

/** `<UTF-8 byte length>#<payload>` as text, to be written to the socket as UTF-8. */
export function wireFrameText(payload: string): string {
  return `${Buffer.byteLength(payload, 'utf8')}#${payload}`;
}

/** `<UTF-8 byte length>#<payload>`, ready to write to the control channel. */
export function encodeWireMessage(payload: string): Buffer {
  const length = Buffer.byteLength(payload, 'utf8');
  const prefix = `${length}#`;
  const out = Buffer.allocUnsafe(prefix.length + length);
  out.write(prefix, 0, 'latin1');
  out.write(payload, prefix.length, 'utf8');
  return out;
}
