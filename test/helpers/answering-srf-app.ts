/**
 * The simplest useful drachtio-srf app: every INVITE is answered with createUAS (200 and
 * an SDP), every other routable request with 200. It counts what it saw, so a test can
 * tell that traffic really went through the wire protocol to srf.
 */
import Srf from 'drachtio-srf';

export interface AnsweringApp {
  /** Requests seen by srf, by method. */
  readonly seen: Map<string, number>;
  /** createUAS calls that failed (e.g. a request without Contact), and srf 'error' events. */
  readonly failures: string[];
  stop(): void;
}

/** Methods a new request may be routed to an app for (drachtio-server routes these). */
const OTHER_METHODS = ['register', 'options', 'message', 'info', 'notify', 'subscribe', 'publish'];

const ANSWER_SDP = [
  'v=0', 'o=answering-app 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=recvonly', '',
].join('\r\n');

type Handler = (req: Srf.SrfRequest, res: Srf.SrfResponse) => void;

export async function startAnsweringApp(wire: { address: string; port: number }, secret = 'cymru'): Promise<AnsweringApp> {
  const srf = new Srf();
  const seen = new Map<string, number>();
  const failures: string[] = [];
  const count = (req: Srf.SrfRequest): void => {
    seen.set(req.method, (seen.get(req.method) ?? 0) + 1);
  };
  srf.on('error', (err: Error) => failures.push(`srf error: ${err.message}`));
  srf.invite((req, res) => {
    count(req);
    srf.createUAS(req, res, { localSdp: ANSWER_SDP }).catch((err: unknown) => failures.push(`createUAS: ${String(err)}`));
  });
  const uses = srf as unknown as { use(method: string, fn: Handler): void };
  for (const method of OTHER_METHODS) {
    uses.use(method, (req, res) => {
      count(req);
      res.send(200);
    });
  }
  const connected = new Promise<void>((resolve, reject) => {
    srf.once('connect', (err: Error | null) => (err ? reject(err) : resolve()));
  });
  // maxAttempts 1: once the engine closes, srf must not keep a reconnect timer alive.
  const connect = srf.connect as unknown as (opts: object) => unknown;
  connect.call(srf, { host: wire.address, port: wire.port, secret, reconnect: { maxAttempts: 1 } });
  await connected;
  return { seen, failures, stop: () => srf.disconnect() };
}
