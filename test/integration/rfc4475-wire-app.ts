/**
 * A drachtio-srf app for the RFC 4475 wire tests that remembers every request it was
 * handed (as srf parsed it, plus the raw text the engine put on the wire protocol) and
 * answers the way the test asked for that Call-ID: by default INVITE with createUAS (200
 * and an SDP) and anything else with 200, like test/helpers/answering-srf-app.ts; or a
 * given status and headers, to play the registrar/UAS whose answer RFC 4475 §3.3 names
 * (420, 415, 401, 406…), so a test can check the engine relayed exactly that answer.
 */
import Srf from 'drachtio-srf';

export interface SeenRequest {
  method: string;
  uri: string;
  callId: string;
  /** Header value as srf returns it (`req.get`); undefined when srf has no such header. */
  header(name: string): string | undefined;
  body: string;
  /** The SIP text the engine sent to the app. */
  raw: string;
}

/** What the app sends back instead of the default answer. */
export interface AppAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface RecordingApp {
  readonly seen: SeenRequest[];
  /** createUAS and send failures, and srf 'error' events. */
  readonly failures: string[];
  /** Answer the request(s) with this Call-ID with `answer` rather than the default. */
  answerWith(callId: string, answer: AppAnswer): void;
  /** Requests seen with this Call-ID, oldest first. */
  seenFor(callId: string): SeenRequest[];
  stop(): void;
}

const METHODS = ['invite', 'register', 'options', 'message', 'info', 'notify', 'subscribe', 'publish'];

const ANSWER_SDP = [
  'v=0', 'o=rfc4475-wire-app 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 40002 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=recvonly', '',
].join('\r\n');

type Handler = (req: Srf.SrfRequest, res: Srf.SrfResponse) => void;

function snapshot(req: Srf.SrfRequest): SeenRequest {
  return {
    method: req.method,
    uri: req.uri,
    callId: req.get('Call-ID'),
    header: (name) => (req.has(name) ? req.get(name) : undefined),
    body: req.body,
    raw: req.raw,
  };
}

export async function startRecordingApp(wire: { address: string; port: number }, secret = 'cymru'): Promise<RecordingApp> {
  const srf = new Srf();
  const seen: SeenRequest[] = [];
  const failures: string[] = [];
  const answers = new Map<string, AppAnswer>();
  srf.on('error', (err: Error) => failures.push(`srf error: ${err.message}`));

  const handle: Handler = (req, res) => {
    const r = snapshot(req);
    seen.push(r);
    const answer = answers.get(r.callId);
    if (answer) return res.send(answer.status, { headers: answer.headers ?? {}, ...(answer.body === undefined ? {} : { body: answer.body }) });
    if (req.method !== 'INVITE') return res.send(200);
    srf.createUAS(req, res, { localSdp: ANSWER_SDP }).catch((err: unknown) => failures.push(`createUAS: ${String(err)}`));
  };
  const uses = srf as unknown as { use(method: string, fn: Handler): void };
  for (const method of METHODS) uses.use(method, handle);

  const connected = new Promise<void>((resolve, reject) => {
    srf.once('connect', (err: Error | null) => (err ? reject(err) : resolve()));
  });
  // maxAttempts 1: once the engine closes, srf must not keep a reconnect timer alive.
  const connect = srf.connect as unknown as (opts: object) => unknown;
  connect.call(srf, { host: wire.address, port: wire.port, secret, reconnect: { maxAttempts: 1 } });
  await connected;
  return {
    seen,
    failures,
    answerWith: (callId, answer) => void answers.set(callId, answer),
    seenFor: (callId) => seen.filter((r) => r.callId === callId),
    stop: () => srf.disconnect(),
  };
}
