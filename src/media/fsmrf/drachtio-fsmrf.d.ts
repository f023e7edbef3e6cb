/**
 * Types for the part of drachtio-fsmrf 4.1.2 that FsmrfMediaPort uses. The package ships
 * no types; these were written from its lib/*.js (mrf.js, mediaserver.js, endpoint.js)
 * and describe only what linegate calls, as the runtime actually behaves (for instance
 * `Endpoint#api` resolves with the ESL event, whose body is the API's text reply).
 */
declare module 'drachtio-fsmrf' {
  import type { EventEmitter } from 'node:events';
  import type Srf from 'drachtio-srf';

  namespace Mrf {
    interface ConnectOptions {
      /** The event socket's host (mod_event_socket listen-ip). */
      address: string;
      /** Default 8021. */
      port?: number;
      /** Default ClueCon. */
      secret?: string;
      /** Where fsmrf listens for the outbound ESL connection of each channel (`socket` app). */
      listenAddress?: string;
      listenPort?: number;
      /** Sent in X-esl-outbound instead of the listen address (NAT, containers). */
      advertisedAddress?: string;
      advertisedPort?: number;
      /** The Sofia profile to INVITE (default drachtio_mrf), found in `sofia status`. */
      profile?: string;
    }

    /** An ESL message as drachtio-modesl parsed it (headers already URL-decoded). */
    interface EslEvent {
      getHeader(name: string): string | undefined;
      getBody(): string;
    }

    interface CreateEndpointOptions {
      remoteSdp?: string;
      codecs?: string[];
      headers?: Record<string, string>;
    }

    interface MediaServer extends EventEmitter {
      readonly address: string;
      /** From the last HEARTBEAT (Max-Sessions / Session-Count); 0 or NaN before the first. */
      maxSessions: number;
      currentSessions: number;
      connected(): boolean;
      disconnect(): void;
      createEndpoint(opts?: CreateEndpointOptions): Promise<Endpoint>;
    }

    interface DtmfEvent {
      dtmf: string;
      /** DTMF-Duration as FreeSWITCH reports it: samples at 8 kHz. */
      duration: string | undefined;
      source?: string;
    }

    interface Endpoint extends EventEmitter {
      readonly uuid: string;
      local: { sdp?: string };
      remote: { sdp?: string };
      readonly dialog: Srf.Dialog;
      readonly connected: boolean;
      /** sendmsg with call-command execute; resolves with CHANNEL_EXECUTE_COMPLETE. */
      execute(app: string, arg?: string): Promise<EslEvent>;
      /** `api <command> <args>` on the channel's outbound connection; resolves with the reply. */
      api(command: string, args?: string | string[]): Promise<EslEvent>;
      bridge(other: Endpoint | string): Promise<void>;
      unbridge(): Promise<void>;
      /** re-INVITE to FreeSWITCH, then uuid_dump to refresh local/remote SDP; resolves with the 200's SDP. */
      modify(sdp: string): Promise<string>;
      destroy(): Promise<void>;
      on(event: 'dtmf', listener: (evt: DtmfEvent) => void): this;
      on(event: 'destroy', listener: (evt?: { reason?: string }) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  class Mrf extends EventEmitter {
    constructor(srf: Srf, opts?: { customEvents?: string[] });
    connect(opts: Mrf.ConnectOptions): Promise<Mrf.MediaServer>;
  }

  export = Mrf;
}
