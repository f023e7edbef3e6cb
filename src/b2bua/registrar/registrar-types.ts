/**
 * The registrar's view of drachtio-srf and of its configuration: only the fields it
 * reads, so that the real srf objects fit and unit tests can pass small typed fakes.
 * Nothing here is specific to the embedded engine (b2bua/ must run on drachtio-server).
 */
import type { Logger } from 'pino';
import type { RegistrarSettings } from '../../config/index.js';
import type { Clock } from '../../shared/index.js';
import type { Store } from '../../state/index.js';

/** The parts of an srf request (Srf.SrfRequest) the registrar reads. */
export interface RegistrarRequest {
  readonly method: string;
  readonly uri: string;
  get(name: string): string | undefined;
  /** Where the request came from, as the engine saw it. */
  readonly source_address: string;
  readonly source_port: string | number;
  /** `udp`, `tcp`, `tls`, `ws`, `wss`. */
  readonly protocol: string;
  /** `address:port` of the engine's listener that received it (new requests only). */
  readonly receivedOn?: string;
}

/** The part of an srf response (Srf.SrfResponse) the registrar uses. */
export interface RegistrarResponse {
  send(status: number, reason: string, opts: { headers: Record<string, string> }): void;
}

/** A request the app sent (srf.request): only its responses matter here. */
export interface OutgoingRequest {
  on(event: 'response', listener: (res: { readonly status: number }) => void): unknown;
}

export interface OutgoingRequestOptions {
  readonly method: 'OPTIONS';
  readonly proxy?: string;
  readonly headers?: Record<string, string>;
}

export type SrfHandler = (req: RegistrarRequest, res: RegistrarResponse, next: () => void) => void;

/**
 * What `Registrar.register()` needs of an Srf. The real Srf fits at runtime; its shipped
 * types declare `request` with other parameters, so Registrar.register accepts both.
 */
export interface RegistrarSrf {
  use(method: string, handler: SrfHandler): void;
  request(uri: string, opts: OutgoingRequestOptions): Promise<OutgoingRequest>;
}

/** A user who may register: the dialplan's `User` fits as it is. */
export interface RegistrarUser {
  readonly id: string;
  readonly sip: { readonly username: string; readonly password: { reveal(): string } };
}

export interface KeepaliveSettings {
  /** Seconds between two OPTIONS rounds. */
  readonly intervalS: number;
  /** An OPTIONS with no answer after this long is a failed ping. Default 32 (64·T1). */
  readonly timeoutS?: number;
  /** Consecutive failed pings after which the binding is removed. Default 2. */
  readonly failuresAllowed?: number;
}

export interface RegistrarOptions {
  readonly store: Store;
  readonly users: readonly RegistrarUser[];
  /** The domain of every AOR (`sip:<username>@<domain>`); the Digest realm unless `realm` is given. */
  readonly domain: string;
  readonly realm?: string;
  readonly settings: RegistrarSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  /** OPTIONS keepalives towards every binding; off when absent. */
  readonly keepalive?: KeepaliveSettings;
  /**
   * The key nonces are signed with. Give the same one to every gateway sharing a store
   * (and keep it across restarts) so that a nonce from one is valid at the others;
   * default: random per process (a restart then answers stale=true once).
   */
  readonly nonceSecret?: Buffer;
  /** Bindings per AOR; default 10. */
  readonly maxBindingsPerUser?: number;
  /** Wall clock, epoch ms, for the Date header only. Default Date.now. */
  readonly epochNow?: () => number;
}

/** The outcome of `Registrar.authenticate`; for every type but Authenticated a response was sent. */
export type AuthResult =
  | { readonly type: 'Authenticated'; readonly userId: string; readonly username: string }
  | { readonly type: 'Challenged'; readonly stale: boolean; readonly reason: ChallengeReason }
  | { readonly type: 'LockedOut'; readonly scope: 'user' | 'source' }
  /** The store failed: 503 with Retry-After was sent. */
  | { readonly type: 'Failed'; readonly status: number }
  /** ACK and CANCEL cannot be challenged (RFC 3261 §22.1): nothing was sent, let them through. */
  | { readonly type: 'Exempt' };

/** Why a 401 was sent (for logs and tests; the UA sees the same 401 in every case). */
export type ChallengeReason = 'no-credentials' | 'unusable-credentials' | 'wrong-credentials' | 'stale-nonce' | 'nonce-replay';

/** How the app reaches one registered contact: spread `uacOptions` into srf.createUAC's options. */
export interface ReachableContact {
  /** The contact URI: the Request-URI of a request to this device. */
  readonly uri: string;
  readonly expiresInMs: number;
  readonly q?: number;
  readonly instanceId?: string;
  readonly regId?: number;
  readonly userAgent?: string;
  readonly path: readonly string[];
  /** Where the REGISTER came from. */
  readonly source?: FlowSource;
  readonly uacOptions: { readonly proxy?: string; readonly headers?: Readonly<Record<string, string>> };
}

/** The flow a REGISTER arrived on (RFC 5626 §3 in spirit): transport and far end, and our listener. */
export interface FlowSource {
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
  /** `address:port` of our listener that received it. */
  readonly receivedOn?: string;
}
