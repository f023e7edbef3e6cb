import { getParam } from '../message/index.js';
import type { Via } from '../message/index.js';
import type { Destination, Source } from './types.js';

const DEFAULT_SIP_PORT = 5060;

/**
 * Where a server transaction sends its responses.
 * - Reliable: back over the connection the request came on (RFC 3261 §18.2.2); the
 *   transport falls back to the source address if that connection is gone.
 * - UDP with `rport` (RFC 3581 §4), or forceRport: the packet's source address and port.
 * - UDP otherwise: the source address (what `received` would hold) and the sent-by port.
 */
export function responseDestination(via: Via, src: Source, forceRport: boolean): Destination {
  if (src.protocol === 'udp' && !forceRport && getParam(via.params, 'rport') === undefined) {
    return { protocol: 'udp', address: src.remoteAddress, port: via.port ?? DEFAULT_SIP_PORT };
  }
  const dest: Destination = { protocol: src.protocol, address: src.remoteAddress, port: src.remotePort };
  if (src.connectionId !== undefined) dest.connectionId = src.connectionId;
  return dest;
}
