import { getParam } from '../message/index.js';
import type { Via } from '../message/index.js';
import { sharedDestination } from './shared-destination.js';
import type { Destination, Source } from './types.js';

const DEFAULT_SIP_PORT = 5060;

/**
 * Where a server transaction sends its responses.
 * - Reliable: back over the connection the request came on (RFC 3261 §18.2.2); the
 *   transport falls back to the source address if that connection is gone.
 * - UDP with `rport` (RFC 3581 §4), or forceRport: the packet's source address and port.
 * - UDP otherwise: the source address (what `received` would hold) and the sent-by port.
 * Shared and frozen (sharedDestination): the transaction keeps it 32 s past the call.
 */
export function responseDestination(via: Via, src: Source, forceRport: boolean): Destination {
  if (src.protocol === 'udp' && !forceRport && getParam(via.params, 'rport') === undefined) {
    return sharedDestination('udp', src.remoteAddress, via.port ?? DEFAULT_SIP_PORT);
  }
  return sharedDestination(src.protocol, src.remoteAddress, src.remotePort, src.connectionId);
}
