/**
 * Shared, frozen Destinations: client and server transactions and dialogs keep theirs for
 * the 32 s after a call, and at 360 calls/s a handful of peers were ~23,000 live copies
 * (load-tests/RESULTS.md, session 5). Frozen, because nobody may change what others hold.
 */
import { BoundedCache } from '../../shared/index.js';
import type { Destination } from './types.js';

/** Destinations remembered; past this the table starts again (a new object is still correct). */
const DESTINATIONS = 4096;

const destinations = new BoundedCache<Destination>(DESTINATIONS);

/**
 * @param address kept as given on a miss: pass a string of its own (the transport's
 *   peerAddress), not a slice of a SIP message that the destination would pin.
 */
export function sharedDestination(protocol: Destination['protocol'], address: string, port: number, connectionId?: string): Destination {
  // A space cannot appear in an address or a connection id: no two destinations share a key.
  const key = protocol + ' ' + address + ' ' + port + (connectionId === undefined ? '' : ' ' + connectionId);
  let dest = destinations.get(key);
  if (dest === undefined) {
    dest = Object.freeze(connectionId === undefined ? { protocol, address, port } : { protocol, address, port, connectionId });
    destinations.set(key, dest);
  }
  return dest;
}
