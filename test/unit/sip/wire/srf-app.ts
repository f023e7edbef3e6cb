/**
 * Thin typed access to the real drachtio-srf (CommonJS; its bundled typings cover only
 * part of what the tests use, so the parts used here are declared once, below).
 */
import Srf from 'drachtio-srf';

export interface SrfRequestLike {
  method: string;
  stackTxnId: string;
  stackDialogId: string;
  receivedOn?: string;
  source: string;
  source_address: string;
  source_port: number;
  protocol: string;
  stackTime: string;
  sessionToken?: string;
  get(header: string): string;
}

export interface SrfResponseLike {
  send(status: number, callback: (err: unknown, msg: { status: number; get(h: string): string }) => void): void;
}

type Handler = (req: SrfRequestLike, res: SrfResponseLike) => void;

export interface SrfLike {
  connect(opts: { host: string; port: number; secret: string; reconnect?: { maxAttempts: number } }): void;
  disconnect(): void;
  on(event: string, listener: (...args: unknown[]) => void): SrfLike;
  once(event: string, listener: (...args: unknown[]) => void): SrfLike;
  invite(handler: Handler): void;
  options(handler: Handler): void;
  use(verb: string, handler: Handler): void;
  unregisterForMessages(verb: string): void;
}

export function newSrf(tags?: string[]): SrfLike {
  const SrfCtor = Srf as unknown as new (tags?: string[]) => SrfLike;
  const srf = tags ? new SrfCtor(tags) : new SrfCtor();
  // An unhandled 'error' event would throw; tests look at 'connect' and 'close' instead.
  srf.on('error', () => undefined);
  return srf;
}

export interface SrfConnectResult {
  err: unknown;
  hostport?: string;
  version?: string;
  localHostports?: string;
}

/**
 * Connects and resolves with srf's `connect` event arguments. maxAttempts 1 turns
 * srf's automatic reconnection off, so a refused app does not keep retrying (and
 * keep the process alive) after its test.
 */
export function connectSrf(srf: SrfLike, port: number, secret: string): Promise<SrfConnectResult> {
  return new Promise((resolve) => {
    srf.once('connect', (err, hostport, version, localHostports) => {
      resolve({
        err,
        hostport: hostport as string | undefined,
        version: version as string | undefined,
        localHostports: localHostports as string | undefined,
      });
    });
    srf.connect({ host: '127.0.0.1', port, secret, reconnect: { maxAttempts: 1 } });
  });
}

/** Polls `cond` every 5 ms until it is true, or fails after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
