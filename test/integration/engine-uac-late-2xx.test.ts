/**
 * 2xx responses that arrive after the first one (RFC 6026 §7.2: the INVITE client
 * transaction stays Accepted 64·T1 and hands every 2xx up): a retransmitted 2xx is ACKed
 * again (a lost ACK, RFC 3261 §13.2.2.4), also once the call has ended, without creating
 * a dialog anew; another fork's 2xx is ACKed and ended with BYE. The called party is a
 * raw UDP socket so the test controls every datagram.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type Srf from 'drachtio-srf';
import { appSdp, until, useTestBed } from './test-bed.js';

interface Datagram {
  text: string;
  from: RemoteInfo;
}

/** A UDP socket that keeps what it receives and answers what the test tells it to. */
class RawCallee {
  readonly got: Datagram[] = [];
  private constructor(private readonly socket: Socket, readonly port: number) {
    socket.on('message', (msg, from) => this.got.push({ text: msg.toString('utf8'), from }));
  }

  static async open(): Promise<RawCallee> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new RawCallee(socket, socket.address().port);
  }

  requests(method: string): Datagram[] {
    return this.got.filter((d) => d.text.startsWith(`${method} `));
  }

  send(text: string, to: RemoteInfo): Promise<void> {
    return new Promise((resolve) => this.socket.send(Buffer.from(text), to.port, to.address, () => resolve()));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

function header(text: string, name: string): string {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(text);
  return m?.[1]?.trim() ?? '';
}

/** A response echoing the request's Via, From, Call-ID, CSeq, with To carrying `toTag`. */
function respond(req: string, status: string, toTag: string, port: number, sdp = ''): string {
  const vias = req.split('\r\n').filter((l) => /^(via|v):/i.test(l));
  return [
    `SIP/2.0 ${status}`, ...vias, `From: ${header(req, 'From')}`, `To: ${header(req, 'To')};tag=${toTag}`,
    `Call-ID: ${header(req, 'Call-ID')}`, `CSeq: ${header(req, 'CSeq')}`, `Contact: <sip:callee@127.0.0.1:${port}>`,
    ...(sdp ? ['Content-Type: application/sdp'] : []), `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp,
  ].join('\r\n');
}

describe('engine UAC: 2xx after the first one (RFC 6026 Accepted state)', function () {
  this.timeout(20_000);
  const bed = useTestBed();
  let callee: RawCallee | undefined;
  afterEach(async () => { await callee?.close(); callee = undefined; });

  it('re-ACKs a retransmitted 2xx during and after the call, never re-creating the dialog; ACKs and BYEs another fork', async () => {
    const eut = await bed().startEngine();
    const srf = await bed().connectApp(eut, () => undefined);
    const c = (callee = await RawCallee.open());
    const calling = (srf.createUAC.bind(srf) as unknown as (uri: string, o: Srf.CreateUACOptions) => Promise<Srf.Dialog>)(
      `sip:callee@127.0.0.1:${c.port}`, { localSdp: appSdp() });
    await until(() => c.requests('INVITE').length > 0, 5_000, 'the INVITE');
    const invite = c.requests('INVITE')[0]!;
    const ok = respond(invite.text, '200 OK', 'first', c.port, appSdp());
    await c.send(ok, invite.from);
    const dialog = await calling;
    await until(() => c.requests('ACK').length === 1, 5_000, 'the ACK');

    await c.send(ok, invite.from); // our "ACK was lost": the 200 again
    await until(() => c.requests('ACK').length === 2, 5_000, 'the ACK re-sent for the retransmitted 200');

    const destroying = dialog.destroy(); // BYE; resolves once answered
    await until(() => c.requests('BYE').length === 1, 5_000, 'the BYE');
    const bye = c.requests('BYE')[0]!;
    await c.send(respond(bye.text, '200 OK', 'first', c.port), bye.from);
    await destroying;
    await until(() => eut.engine.dialogCount() === 0, 5_000, 'the dialog to end');

    await c.send(ok, invite.from); // a late retransmission after the call
    await until(() => c.requests('ACK').length === 3, 5_000, 'the ACK for a 200 retransmitted after the BYE');
    assert.equal(eut.engine.dialogCount(), 0, 'no dialog is created anew');

    await c.send(respond(invite.text, '200 OK', 'second-fork', c.port, appSdp()), invite.from);
    await until(() => c.requests('BYE').length === 2, 5_000, 'the BYE ending the second fork');
    const forkAcks = c.requests('ACK').filter((d) => header(d.text, 'To').includes('tag=second-fork'));
    assert.equal(forkAcks.length, 1, 'the second fork was ACKed first');
    assert.ok(header(c.requests('BYE')[1]!.text, 'To').includes('tag=second-fork'));
  });
});
