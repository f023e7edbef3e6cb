/**
 * The parts of drachtio-srf (and of the Registrar) that message waiting uses, typed as it
 * uses them, so the real objects fit and unit tests pass small fakes. Nothing here is
 * specific to the embedded engine.
 */
import type { AuthResult, ReachableContact, RegistrarRequest, RegistrarResponse } from '../registrar/index.js';

export type Headers = Record<string, string>;

/** An incoming SUBSCRIBE (srf's SrfRequest). */
export interface MwiRequest extends RegistrarRequest {
  readonly body?: string | undefined;
}

export interface MwiResponse {
  send(status: number, reason?: string | { headers?: Headers; body?: string }, opts?: { headers?: Headers; body?: string }): void;
}

/** A response to a request we sent, as srf hands it to callbacks. */
export interface MwiResponseIn {
  readonly status: number;
}

/** A SUBSCRIBE dialog (srf's Dialog created by createUAS for a SUBSCRIBE). */
export interface MwiDialog {
  /** The subscriber's Contact: where in-dialog NOTIFYs go. */
  readonly remote: { readonly uri: string };
  on(event: 'subscribe', listener: (req: MwiRequest, res: MwiResponse) => void): unknown;
  on(event: 'unsubscribe', listener: (req: MwiRequest) => void): unknown;
  on(event: 'destroy', listener: () => void): unknown;
  /** The callback is called for every response (srf: `(err, res)`), or once with an error. */
  request(opts: { method: string; headers?: Headers; body?: string }, callback: (err: unknown, res?: MwiResponseIn) => void): unknown;
}

export type MwiHandler = (req: MwiRequest, res: MwiResponse, next: () => void) => void;

export interface MwiSrf {
  use(method: string, handler: MwiHandler): unknown;
  createUAS(req: MwiRequest, res: MwiResponse, opts: { headers?: Headers }): Promise<MwiDialog>;
  /** An out-of-dialog request (unsolicited NOTIFY); resolves once sent. */
  request(uri: string, opts: { method: string; headers?: Headers; body?: string; proxy?: string }): Promise<unknown>;
}

/** What message waiting needs of the Registrar: Digest authentication, and the user's devices. */
export interface MwiRegistrar {
  authenticate(req: RegistrarRequest, res: RegistrarResponse): Promise<AuthResult>;
  lookup(userId: string): Promise<ReachableContact[]>;
}
