/**
 * Via branch generation (RFC 3261 §8.1.1.7): the magic cookie followed by a value unique
 * in space and time. Random bytes come from a pooled buffer so the hot path costs one
 * base64url conversion, not a crypto call per request.
 */
import { randomBytes, randomFillSync } from 'node:crypto';

/** RFC 3261 §8.1.1.7. */
export const MAGIC_COOKIE = 'z9hG4bK';

const BRANCH_BYTES = 12; // 96 random bits → 16 base64url characters (all RFC 3261 token chars)
const POOL_SIZE = BRANCH_BYTES * 512;
const pool = randomBytes(POOL_SIZE);
let offset = 0;

export function newBranch(): string {
  if (offset + BRANCH_BYTES > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const value = pool.toString('base64url', offset, offset + BRANCH_BYTES);
  offset += BRANCH_BYTES;
  return MAGIC_COOKIE + value;
}

/**
 * True when the branch follows RFC 3261 (magic cookie plus something). A bare `z9hG4bK`
 * (RFC 4475 §3.2.1 "badbranch") or a branch without the cookie (RFC 2543 peers) is not
 * unique, so matching falls back to RFC 2543 rules (RFC 3261 §17.2.3).
 */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.length > MAGIC_COOKIE.length && branch.startsWith(MAGIC_COOKIE);
}
