/**
 * The demo call-control app `make run` starts until the business-line app lands:
 * a drachtio-srf app that accepts registrations, answers OPTIONS and answers every
 * call with an SDP that receives (and plays) nothing. It runs unchanged against the
 * embedded engine or a real drachtio-server.
 */
import Srf from 'drachtio-srf';
import type { Logger } from 'pino';

export interface DemoAppOptions {
  host: string;
  port: number;
  secret: string;
  logger: Logger;
}

export interface RunningApp {
  stop(): Promise<void>;
}

/** An answer that names a media address but sends nothing: `recvonly` per RFC 3264 §5.1. */
function silentAnswer(offer: string, address: string): string {
  const pt = /^m=audio \d+ [A-Z/]+ ([0-9 ]+)/m.exec(offer)?.[1]?.split(' ')[0] ?? '0';
  return [
    'v=0', `o=linegate 1 1 IN IP4 ${address}`, 's=linegate demo', `c=IN IP4 ${address}`, 't=0 0',
    `m=audio 40000 RTP/AVP ${pt}`, 'a=recvonly', '',
  ].join('\r\n');
}

export async function startDemoApp(opts: DemoAppOptions): Promise<RunningApp> {
  const srf = new Srf();
  const log = opts.logger.child({ component: 'demo-app' });
  srf.on('error', (err: Error) => log.warn({ err: err.message }, 'engine connection error'));
  const connected = new Promise<void>((resolve, reject) => {
    srf.on('connect', (err: Error | null) => (err ? reject(err) : resolve()));
  });
  const uses = srf as unknown as { use(method: string, fn: (req: Srf.SrfRequest, res: Srf.SrfResponse) => void): void };
  uses.use('register', (req, res) => {
    const expires = req.get('Expires') || '3600';
    log.info({ from: req.get('From') }, 'REGISTER accepted (demo app: no authentication)');
    res.send(200, { headers: { Contact: req.get('Contact'), Expires: expires } });
  });
  uses.use('options', (_req, res) => res.send(200));
  srf.invite((req, res) => {
    const receivedOn = (req as unknown as { receivedOn?: string }).receivedOn;
    const address = receivedOn?.split(':')[0] ?? '127.0.0.1';
    log.info({ callId: req.get('Call-ID'), from: req.get('From') }, 'answering call');
    srf.createUAS(req, res, { localSdp: silentAnswer(req.body ?? '', address) })
      .then((dialog) => dialog.on('destroy', () => log.info({ callId: req.get('Call-ID') }, 'call ended')))
      .catch((err: Error) => log.warn({ err: err.message }, 'answer failed'));
  });
  void srf.connect({ host: opts.host, port: opts.port, secret: opts.secret });
  await connected;
  return {
    async stop() {
      srf.disconnect();
    },
  };
}
