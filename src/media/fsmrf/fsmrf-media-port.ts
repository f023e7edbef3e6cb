/**
 * The MediaPort over FreeSWITCH, through drachtio-fsmrf 4.x (production media).
 *
 * An endpoint is a FreeSWITCH channel reached two ways at once (mediaserver.js):
 *   1. SIP: drachtio-srf sends an INVITE to the server's `drachtio_mrf` Sofia profile
 *      (found with `api sofia status` at connect time), carrying the remote offer (or no
 *      SDP: FreeSWITCH then offers, 3pcc), `User-Agent: drachtio-fsmrf:<id>` and
 *      `X-esl-outbound: <our listen address:port>`.
 *   2. ESL: FreeSWITCH's dialplan answers and runs `socket ${sip_h_X-esl-outbound} async
 *      full`, so the channel connects back to us; fsmrf matches the connection to the
 *      INVITE by the id in `variable_sip_user_agent` of the channel data.
 * Control then goes over that per-channel ESL connection (see FsmrfEndpoint).
 */
import Mrf from 'drachtio-fsmrf';
import type Srf from 'drachtio-srf';
import { systemClock } from '../../shared/index.js';
import type { Clock } from '../../shared/index.js';
import type { CreateEndpointOptions, MediaEndpoint, MediaPort } from '../media-port.js';
import { FsmrfEndpoint } from './fsmrf-endpoint.js';
import { FSMRF_ERROR_CODES, endpointCreationError, mediaError } from './fsmrf-errors.js';
import { SILENT_LOGGER } from './fsmrf-logger.js';
import type { FsmrfLogger } from './fsmrf-logger.js';
import { DEFAULT_SILENCE_THRESHOLD } from './freeswitch-commands.js';
import { MediaServerPool } from './media-server-pool.js';
import type { FsmrfServerConfig, PoolMember } from './media-server-pool.js';

export interface FsmrfMediaPortOptions {
  /** The drachtio-srf app the INVITEs to FreeSWITCH leave from (fsmrf needs it). */
  readonly srf: Srf;
  /** One or more FreeSWITCH servers; see MediaServerPool for how one is picked. */
  readonly servers: readonly FsmrfServerConfig[];
  readonly logger?: FsmrfLogger;
  readonly clock?: Clock;
  /** Bound on each server's ESL connect + `sofia status` (default 5 000). */
  readonly connectTimeoutMs?: number;
  /** How long destroy() waits for FreeSWITCH's BYE before sending one (default 5 000). */
  readonly destroyTimeoutMs?: number;
  /** `record`'s silence threshold (FreeSWITCH energy units, default 200). */
  readonly silenceThreshold?: number;
}

const DEFAULT_CODECS = ['PCMU', 'PCMA'] as const;

/** fsmrf asserts (throws) on an offer that needs a DTLS handshake; we refuse it first. */
const SECURE_AUDIO = /^m=audio [^\r\n]*SAVP/m;

export class FsmrfMediaPort implements MediaPort {
  private readonly pool: MediaServerPool;
  private readonly mrf: Mrf;
  private readonly clock: Clock;
  private readonly logger: FsmrfLogger;
  private readonly endpoints = new Set<FsmrfEndpoint>();
  private started: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly o: FsmrfMediaPortOptions) {
    this.pool = new MediaServerPool(o.servers);
    this.mrf = new Mrf(o.srf);
    this.clock = o.clock ?? systemClock;
    this.logger = o.logger ?? SILENT_LOGGER;
  }

  /** Connects to every configured FreeSWITCH; rejects (MEDIA_SERVER_UNAVAILABLE) only if none answers. */
  start(): Promise<void> {
    this.started ??= this.pool.connect(this.mrf, {
      clock: this.clock, timeoutMs: this.o.connectTimeoutMs ?? 5_000, logger: this.logger,
    });
    return this.started;
  }

  get activeEndpoints(): number {
    return this.endpoints.size;
  }

  async createEndpoint(options: CreateEndpointOptions = {}): Promise<MediaEndpoint> {
    if (this.closing) throw mediaError(FSMRF_ERROR_CODES.PORT_CLOSED, 'the FreeSWITCH media port is closed');
    if (options.remoteSdp !== undefined && SECURE_AUDIO.test(options.remoteSdp)) {
      throw mediaError(FSMRF_ERROR_CODES.NO_COMMON_CODEC, 'SRTP offers are not supported (RTP/AVP G.711 only)');
    }
    const member = this.pool.pick();
    if (!member?.server) throw mediaError(FSMRF_ERROR_CODES.SERVER_UNAVAILABLE, 'no connected FreeSWITCH');
    member.endpoints++;
    let ep: Mrf.Endpoint;
    try {
      const codecs = [...(options.codecs ?? DEFAULT_CODECS)];
      // fsmrf decides 3pcc (FreeSWITCH offers) from the absence of remoteSdp, and mutates its options.
      ep = await member.server.createEndpoint(options.remoteSdp === undefined ? { codecs } : { remoteSdp: options.remoteSdp, codecs });
    } catch (err) {
      member.endpoints--;
      throw endpointCreationError(err);
    }
    return this.adopt(ep, member);
  }

  /** Destroys every endpoint, then drops the ESL connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.endpoints].map((e) => e.destroy()));
      this.pool.disconnect();
    })();
    return this.closing;
  }

  private async adopt(ep: Mrf.Endpoint, member: PoolMember): Promise<MediaEndpoint> {
    let released = false;
    const endpoint = new FsmrfEndpoint(ep, {
      serverKey: member.key,
      clock: this.clock,
      logger: this.logger,
      silenceThreshold: this.o.silenceThreshold ?? DEFAULT_SILENCE_THRESHOLD,
      destroyTimeoutMs: this.o.destroyTimeoutMs ?? 5_000,
      onClosed: (e) => {
        this.endpoints.delete(e);
        if (!released) member.endpoints--;
        released = true;
      },
    });
    this.endpoints.add(endpoint);
    if (this.closing) {
      // close() ran while FreeSWITCH was answering: this channel must not outlive the port.
      await endpoint.destroy();
      throw mediaError(FSMRF_ERROR_CODES.PORT_CLOSED, 'the FreeSWITCH media port closed during endpoint creation');
    }
    this.logger.debug({ uuid: endpoint.id, server: member.key }, 'FreeSWITCH endpoint created');
    return endpoint;
  }
}
