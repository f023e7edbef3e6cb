import { randomBytes } from 'node:crypto';
import { ownString } from '../../shared/index.js';

// A per-process random prefix keeps ids from two processes (or a restart) distinct in logs.
const ID_PREFIX = randomBytes(4).toString('hex');
let counter = 0;

/** Transaction ids: opaque, unique within the process, cheap (no crypto per call). */
export function newTransactionId(kind: 's' | 'c'): string {
  counter += 1;
  // One flat string: the concatenation would be a tree of cons strings, kept 32 s by a completed transaction.
  return ownString(`${ID_PREFIX}-${kind}${counter.toString(36)}`);
}
