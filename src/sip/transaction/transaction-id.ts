import { randomBytes } from 'node:crypto';

// A per-process random prefix keeps ids from two processes (or a restart) distinct in logs.
const ID_PREFIX = randomBytes(4).toString('hex');
let counter = 0;

/** Transaction ids: opaque, unique within the process, cheap (no crypto per call). */
export function newTransactionId(kind: 's' | 'c'): string {
  counter += 1;
  return `${ID_PREFIX}-${kind}${counter.toString(36)}`;
}
