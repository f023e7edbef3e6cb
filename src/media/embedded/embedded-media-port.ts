/**
 * The embedded MediaPort (the default): RTP endpoints in this process, on UDP ports from a
 * configured range. No media server to run; G.711 only.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { LinegateError, systemClock, type Clock } from '../../shared/index.js';
import type { CreateEndpointOptions, MediaEndpoint, MediaPort } from '../media-port.js';
import { EmbeddedEndpoint } from './embedded-endpoint.js';
import type { EndpointStats } from './endpoint-stats.js';
import { PortAllocator, type PortRange } from './port-allocator.js';
import { RtpSession } from './rtp-session.js';
import { SdpNegotiation } from './sdp-negotiation.js';
import type { LocalMediaParams } from './sdp-types.js';
import { UdpPair } from './udp-pair.js';

export interface EmbeddedMediaPortOptions {
  /** Where the RTP sockets bind (default 127.0.0.1); "::" is dual-stack. */
  readonly address?: string;
  /** The address written in our SDP (default: `address`); required when binding a wildcard. */
  readonly advertisedAddress?: string;
  /** RTP on even ports, RTCP on the next odd one, all inside the range. */
  readonly portRange: PortRange;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * RTP (or RTCP) from the remote party stopped for this long → the endpoint closes and its
   * `closed` resolves (default 30 000; 0 disables). Runs once the peer has been heard, and
   * not while it holds the call.
   */
  readonly mediaTimeoutMs?: number;
  /** Packet duration we send and ask for (default 20). */
  readonly ptimeMs?: number;
  /** The dynamic payload type we offer for telephone-event (default 101). */
  readonly telephoneEventPt?: number;
  /** RTCP report interval before randomisation (default 5 000). */
  readonly rtcpIntervalMs?: number;
}

const DEFAULT_TELEPHONE_EVENT_PT = 101;

export class EmbeddedMediaPort implements MediaPort {
  private readonly allocator: PortAllocator;
  private readonly endpoints = new Set<EmbeddedEndpoint>();
  private readonly clock: Clock;
  private readonly address: string;
  private readonly advertised: string;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: EmbeddedMediaPortOptions) {
    this.allocator = new PortAllocator(options.portRange);
    this.clock = options.clock ?? systemClock;
    this.address = options.address ?? '127.0.0.1';
    this.advertised = options.advertisedAddress ?? this.address;
    if (this.advertised === '0.0.0.0' || this.advertised === '::') {
      throw new RangeError(`binding ${this.address} needs an advertisedAddress for the SDP`);
    }
    const ptime = options.ptimeMs ?? 20;
    if (!Number.isInteger(ptime) || ptime < 10 || ptime > 60 || ptime % 10 !== 0) throw new RangeError(`ptimeMs ${ptime} is not 10, 20, … 60`);
  }

  get activeEndpoints(): number {
    return this.endpoints.size;
  }

  /** RTP statistics of every endpoint in use (for the metrics collector). */
  endpointStats(): EndpointStats[] {
    return [...this.endpoints].map((e) => e.stats);
  }

  async createEndpoint(options: CreateEndpointOptions = {}): Promise<MediaEndpoint> {
    if (this.closing) throw new LinegateError('MEDIA_PORT_CLOSED', 'the embedded media port is closed');
    const pair = await this.bindPair();
    const id = randomUUID();
    const session = new RtpSession({
      clock: this.clock,
      pair,
      cname: `${id}@${this.advertised}`,
      mediaTimeoutMs: this.options.mediaTimeoutMs ?? 30_000,
      telephoneEventPt: this.options.telephoneEventPt ?? DEFAULT_TELEPHONE_EVENT_PT,
      ...(this.options.logger ? { logger: this.options.logger.child({ endpoint: id }) } : {}),
      ...(this.options.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: this.options.rtcpIntervalMs } : {}),
    });
    const negotiation = new SdpNegotiation(this.localParams(pair, options), String(randomInt(1, 2 ** 47)));
    if (options.remoteSdp === undefined) {
      negotiation.offer();
    } else {
      const step = negotiation.receive(options.remoteSdp);
      if (!step.ok) {
        await session.close();
        this.allocator.release(pair.port);
        throw new LinegateError(step.code, step.reason);
      }
      session.configure(step.audio);
    }
    const endpoint = new EmbeddedEndpoint({
      id,
      clock: this.clock,
      session,
      negotiation,
      ptimeMs: this.options.ptimeMs ?? 20,
      onGone: (ep) => {
        this.endpoints.delete(ep);
        this.allocator.release(pair.port);
      },
    });
    this.endpoints.add(endpoint);
    return endpoint;
  }

  close(): Promise<void> {
    if (!this.closing) this.closing = Promise.all([...this.endpoints].map((e) => e.destroy())).then(() => undefined);
    return this.closing;
  }

  private localParams(pair: UdpPair, options: CreateEndpointOptions): LocalMediaParams {
    return {
      address: this.advertised,
      rtpPort: pair.port,
      codecs: options.codecs && options.codecs.length > 0 ? options.codecs : ['PCMU', 'PCMA'],
      ptimeMs: this.options.ptimeMs ?? 20,
      telephoneEventPt: this.options.telephoneEventPt ?? DEFAULT_TELEPHONE_EVENT_PT,
      canReach: (ip) => pair.canReach(ip) || ip === '0.0.0.0' || (ip === '::' && isIPv6(this.address)),
    };
  }

  /** Next port of the range that both sockets can bind; ports held by other programs are skipped. */
  private async bindPair(): Promise<UdpPair> {
    for (let attempt = 0; attempt < this.allocator.capacity; attempt++) {
      const port = this.allocator.allocate();
      if (port === undefined) break;
      try {
        return await UdpPair.bind(this.address, port);
      } catch (err) {
        this.allocator.release(port);
        this.options.logger?.debug({ err, port }, 'RTP port pair unavailable, trying the next');
      }
    }
    const { min, max } = this.options.portRange;
    throw new LinegateError('MEDIA_PORTS_EXHAUSTED', `no free RTP port pair in ${min}-${max}`);
  }
}
