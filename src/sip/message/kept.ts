/**
 * Copies of message data that outlive the message: a transaction's key, a dialog's tags and
 * target, and the bytes a completed transaction re-sends, all kept for the 32 s (64·T1) of
 * timers D, J, L and M after the call itself is over.
 *
 * Why copies: a 60-byte transaction key built from slices of a branch and a sent-by keeps
 * the 500-byte BYE it came from alive (src/shared/own-string.ts explains the V8 side); at
 * 360 calls/s the engine held ~11,500 such messages (~9 MB) plus their cons/sliced wrappers
 * (~11 MB) that way (heap snapshot of the trunk-users load, load-tests/RESULTS.md), all of
 * it promoted to the old generation, which made each mark-compact slower. And a Buffer costs
 * two heap objects plus an off-heap backing store the GC sweeps separately; the same bytes
 * as a one-byte string are one object.
 */
import { Buffer } from 'node:buffer';

/** Re-exported for the SIP layers: see src/shared/own-string.ts. */
export { ownString } from '../../shared/index.js';

/** Bytes kept for re-sending later, stored as a one-byte (latin1) string: one heap object. */
export type KeptBytes = string & { readonly __keptBytes: true };

export function keepBytes(b: Buffer): KeptBytes {
  return b.toString('latin1') as KeptBytes;
}

/** The bytes again, in a new Buffer (for a retransmission: rare, so the copy is cheap overall). */
export function keptBuffer(k: KeptBytes): Buffer {
  return Buffer.from(k, 'latin1');
}
