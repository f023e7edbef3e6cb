/**
 * Who the engine is on the network: the addresses it listens on, the Contact and
 * Via sent-by it puts on what it sends, and the hostport strings the wire
 * protocol's authenticate reply carries (wire protocol §4).
 */
import { networkInterfaces } from 'node:os';
import { formatHostPort, isIPv6 } from '../transport/index.js';

export type Protocol = 'udp' | 'tcp';

export interface Listener {
  protocol: Protocol;
  address: string;
  port: number;
}

export class Identity {
  constructor(
    private readonly listeners: Listener[],
    /** Address to advertise instead of a wildcard bind (drachtio's external-ip). */
    private readonly externalAddress?: string,
  ) {}

  /** The listener to send from / advertise for a protocol and address family. */
  listenerFor(protocol: Protocol, ipv6: boolean): Listener | undefined {
    const sameProto = this.listeners.filter((l) => l.protocol === protocol);
    return sameProto.find((l) => isIPv6(l.address) === ipv6) ?? sameProto[0];
  }

  hasProtocol(protocol: Protocol): boolean {
    return this.listeners.some((l) => l.protocol === protocol);
  }

  /** Host to advertise for a listener: a wildcard bind advertises a concrete address. */
  advertisedHost(l: Listener): string {
    if (this.externalAddress) return this.externalAddress;
    if (l.address === '0.0.0.0' || l.address === '::') return firstAddress(l.address === '::');
    return l.address;
  }

  hostport(l: Listener): string {
    return formatHostPort(this.advertisedHost(l), l.port);
  }

  /** Contact URI of a listener; TCP is named so a peer does not fall back to UDP (RFC 3261 §19.1.1). */
  contactUri(l: Listener): string {
    const t = l.protocol === 'tcp' ? ';transport=tcp' : '';
    return `sip:${this.hostport(l)}${t}`;
  }

  sentBy(l: Listener): string {
    return `SIP/2.0/${l.protocol.toUpperCase()} ${this.hostport(l)}`;
  }

  /** `tcp/127.0.0.1:5090,udp/127.0.0.1:5090` (wire protocol §4). */
  hostports(local = false): string {
    return this.listeners
      .map((l) => `${l.protocol}/${local ? formatHostPort(l.address, l.port) : this.hostport(l)}`)
      .join(',');
  }

  /** True when host:port names one of our own listeners ("can not send request to myself"). */
  isSelf(host: string, port: number): boolean {
    const h = host.replace(/^\[|\]$/g, '');
    return this.listeners.some((l) => l.port === port && (l.address === h || this.advertisedHost(l) === h));
  }

  all(): readonly Listener[] {
    return this.listeners;
  }
}

function firstAddress(ipv6: boolean): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (!a.internal && (a.family === 'IPv6') === ipv6) return a.address;
    }
  }
  return ipv6 ? '::1' : '127.0.0.1';
}
