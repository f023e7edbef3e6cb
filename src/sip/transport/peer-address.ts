/**
 * Peer addresses as shared strings (src/shared/string-interner.ts): one instance of
 * "203.0.113.7" for every Source, Destination and dialog flow that names it, rather than
 * the new string Node makes for each datagram and connection.
 */
import { StringInterner } from '../../shared/index.js';

/** Distinct peers remembered; past this the table starts again (any string is still correct). */
const PEER_ADDRESSES = 4096;

const addresses = new StringInterner(PEER_ADDRESSES);

export function peerAddress(address: string): string {
  return addresses.intern(address);
}
