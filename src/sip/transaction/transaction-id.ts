import { randomBytes } from 'node:crypto';

// A per-process random prefix keeps ids from two processes (or a restart) distinct in logs.
const ID_PREFIX = randomBytes(4).toString('hex');
let counter = 0;

/**
 * A transaction's number: what it keeps instead of its id string. Ids are only read for
 * error messages, and a small integer is no heap object, where a string each would be
 * ~6 per call held for the 32 s after it (load-tests/RESULTS.md, session 5).
 */
export function nextTransactionNumber(): number {
  counter += 1;
  return counter;
}

/** Transaction ids: opaque, unique within the process, cheap (no crypto per call). */
export function transactionId(kind: 's' | 'c', n: number): string {
  return `${ID_PREFIX}-${kind}${n.toString(36)}`;
}

