/**
 * The parts of drachtio-srf the CallShell uses, typed as it uses them at runtime (srf's
 * shipped types disagree with its runtime in places, e.g. cbRequest(err, req)). The real Srf
 * fits; unit tests pass small fakes. Nothing here is specific to the embedded engine.
 */
import type { EventEmitter } from 'node:events';

export type Headers = Record<string, string>;

/** An incoming request (INVITE, or an in-dialog one) and, for outgoing ones, `cancel`. */
export interface ShellRequest extends EventEmitter {
  readonly method: string;
  readonly uri: string;
  readonly body: string | undefined;
  readonly source_address: string;
  readonly source_port: string | number;
  readonly protocol: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** Outgoing (UAC) requests only: RFC 3261 §9.1 CANCEL, with extra headers (Reason). */
  cancel(opts: { headers?: Headers }, callback?: (err: unknown) => void): void;
}

export interface ShellResponse {
  readonly status: number;
  readonly reason: string;
  readonly body?: string;
  get(name: string): string | undefined;
  /** srf: send(status), send(status, reason), send(status, opts), send(status, reason, opts). */
  send(status: number, reason?: string | { headers?: Headers; body?: string }, opts?: { headers?: Headers; body?: string }): void;
  readonly finalResponseSent?: boolean;
}

export interface ShellDialog extends EventEmitter {
  readonly sip: { readonly callId: string };
  readonly remote: { readonly sdp: string };
  /** srf keeps our Contact for the dialog here (a re-INVITE must carry one, RFC 3261 §12.2.1.1). */
  readonly local: { readonly sdp: string; readonly contact?: string };
  destroy(opts?: { headers?: Headers }): Promise<unknown>;
  /** Sends a re-INVITE with this SDP; resolves with the far end's answer. */
  modify(sdp: string): Promise<string>;
  /** Resolves with the FIRST response, a 100 Trying included: see finalResponse(). */
  request(opts: InDialogRequest): Promise<InDialogResponse>;
  /** The callback is called for every response, provisional ones too. */
  request(opts: InDialogRequest, callback: (err: unknown, res?: SrfResponseLike) => void): unknown;
}

export interface InDialogRequest {
  method: string;
  headers?: Headers;
  body?: string;
}

export interface InDialogResponse {
  readonly status: number;
  readonly reason?: string;
  readonly body?: string;
  readonly contentType?: string;
}

/** A response as srf hands it to a request's callback. */
export interface SrfResponseLike {
  readonly status: number;
  readonly reason?: string;
  readonly body?: string;
  get?(name: string): string | undefined;
}

/**
 * The final response to an in-dialog request. srf's promise form of Dialog#request settles
 * on the first response, so a re-INVITE's 100 Trying would pass for its answer. A request
 * srf could not send counts as 408 (statusOf).
 */
export function finalResponse(dialog: ShellDialog, opts: InDialogRequest): Promise<InDialogResponse> {
  return new Promise((resolve) => {
    try {
      dialog.request(opts, (err, res) => {
        if (err) resolve(statusOf(err));
        else if (res && res.status >= 200) resolve(inDialogResponse(res));
      });
    } catch (err) {
      resolve(statusOf(err));
    }
  });
}

export interface CreateUacOptions {
  headers?: Headers;
  localSdp?: string;
  proxy?: string;
  auth?: { username: string; password: string };
  /**
   * srf 3pcc: with no localSdp, the 200's SDP offer is handed back with `ack(answer)`
   * instead of a dialog (see OfferlessAnswer), so the answer can come from another party.
   */
  noAck?: boolean;
}

/** What srf.createUAC resolves with for `noAck: true` and no localSdp (RFC 3725 §4.1). */
export interface OfferlessAnswer {
  /** The offer in the 200 OK. */
  readonly sdp: string;
  /** Sends the ACK carrying our answer; resolves with the confirmed dialog. */
  ack(answerSdp: string): Promise<ShellDialog>;
  /** ACKs (echoing the offer) and sends BYE: abandons the answered leg. */
  destroy(): Promise<void>;
}

export function isOfferlessAnswer(x: unknown): x is OfferlessAnswer {
  return typeof x === 'object' && x !== null && 'ack' in x && typeof x.ack === 'function' && 'sdp' in x;
}

export interface ShellSrf {
  invite(handler: (req: ShellRequest, res: ShellResponse) => void): unknown;
  createUAC(
    uri: string,
    opts: CreateUacOptions,
    progress: { cbRequest?: (err: unknown, req?: ShellRequest) => void; cbProvisional?: (res: ShellResponse) => void },
  ): Promise<ShellDialog | OfferlessAnswer>;
  createUAS(req: ShellRequest, res: ShellResponse, opts: { localSdp: string; headers?: Headers }): Promise<ShellDialog>;
  request(uri: string, opts: { method: string; headers?: Headers; body?: string; proxy?: string }): Promise<unknown>;
}

function inDialogResponse(res: SrfResponseLike): InDialogResponse {
  const contentType = res.body ? res.get?.('Content-Type') : undefined;
  return {
    status: res.status,
    ...(res.reason ? { reason: res.reason } : {}),
    ...(res.body ? { body: res.body } : {}),
    ...(contentType ? { contentType } : {}),
  };
}

/** An srf error that carries the final status of a failed createUAC (SipError). */
export function statusOf(err: unknown): { status: number; reason?: string } {
  if (err !== null && typeof err === 'object' && 'status' in err && typeof err.status === 'number') {
    const reason = 'reason' in err && typeof err.reason === 'string' ? err.reason : undefined;
    return reason === undefined ? { status: err.status } : { status: err.status, reason };
  }
  // No response at all (transport error, timer B): treat as 408 (RFC 3261 §8.1.3.1).
  return { status: 408, reason: 'Request Timeout' };
}
