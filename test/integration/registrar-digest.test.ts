/**
 * What sipp cannot do, with a raw UDP client through the real engine and srf: SHA-256
 * registration with both challenges offered (each its own WWW-Authenticate line on the
 * wire), a replayed nonce-count, and the same challenge on an INVITE.
 */
import assert from 'node:assert/strict';
import type Srf from 'drachtio-srf';
import { authorization, parseChallenge, type Challenge } from '../helpers/digest-client.js';
import { BED_DOMAIN, startRegistrarBed, type RegistrarBed } from '../helpers/registrar-bed.js';
import { UdpSipClient, type SipReply } from '../helpers/udp-sip-client.js';

describe('registrar Digest through the engine (raw UDP client)', function () {
  this.timeout(10_000);
  let bed: RegistrarBed;
  let client: UdpSipClient;
  let cseq = 0;
  const invites: string[] = [];

  before(async () => {
    bed = await startRegistrarBed({
      setup: (srf, registrar) => {
        const uses = srf as unknown as { use(method: string, fn: ReturnType<typeof registrar.middleware>): void };
        uses.use('invite', registrar.middleware());
        srf.invite((req: Srf.SrfRequest, res: Srf.SrfResponse) => {
          invites.push(req.get('From'));
          res.send(486);
        });
      },
    });
    client = await UdpSipClient.open();
  });
  after(async () => {
    await client?.close();
    await bed?.stop();
  });

  function request(method: 'REGISTER' | 'INVITE', auth?: string): string {
    cseq += 1;
    const uri = method === 'REGISTER' ? `sip:${BED_DOMAIN}` : `sip:bob@${BED_DOMAIN}`;
    return [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=z9hG4bK-raw-${method}-${cseq};rport`,
      'Max-Forwards: 70',
      `From: <sip:alice@${BED_DOMAIN}>;tag=raw${cseq}`,
      `To: <sip:${method === 'REGISTER' ? 'alice' : 'bob'}@${BED_DOMAIN}>`,
      `Call-ID: raw-${method}@127.0.0.1`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:alice@127.0.0.1:${client.port}>`,
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0', '', '',
    ].join('\r\n');
  }

  const send = (method: 'REGISTER' | 'INVITE', auth?: string): Promise<SipReply> => client.request(request(method, auth), bed.udpPort);

  function answerTo(ch: Challenge, method: string, nc: number, algorithm: 'SHA-256' | 'MD5' = ch.algorithm): string {
    const uri = method === 'REGISTER' ? `sip:${BED_DOMAIN}` : `sip:bob@${BED_DOMAIN}`;
    return authorization(ch, { username: 'alice', password: 'alice-pw', method, uri, nc, algorithm });
  }

  it('offers SHA-256 then MD5 as two WWW-Authenticate lines and registers with SHA-256', async () => {
    const first = await send('REGISTER');
    assert.equal(first.status, 401);
    const challenges = first.all('WWW-Authenticate').map(parseChallenge);
    assert.deepEqual(challenges.map((c) => c.algorithm), ['SHA-256', 'MD5']);
    const ok = await send('REGISTER', answerTo(challenges[0] as Challenge, 'REGISTER', 1));
    assert.equal(ok.status, 200);
    assert.match(ok.all('Contact')[0] ?? '', new RegExp(`^<sip:alice@127\\.0\\.0\\.1:${client.port}>;expires=600$`));
    const [c] = await bed.registrar.lookup('u-alice');
    assert.deepEqual(c?.source, { protocol: 'udp', address: '127.0.0.1', port: client.port, receivedOn: `127.0.0.1:${bed.udpPort}` });
  });

  it('refuses a replayed nonce-count with 401 and accepts the next one', async () => {
    const first = await send('REGISTER');
    const ch = parseChallenge(first.all('WWW-Authenticate')[0] as string);
    assert.equal((await send('REGISTER', answerTo(ch, 'REGISTER', 1))).status, 200);
    const replay = await send('REGISTER', answerTo(ch, 'REGISTER', 1));
    assert.equal(replay.status, 401);
    assert.equal(parseChallenge(replay.all('WWW-Authenticate')[0] as string).stale, false);
    assert.equal((await send('REGISTER', answerTo(ch, 'REGISTER', 2, 'MD5'))).status, 200);
  });

  it('challenges an INVITE the same way and passes it to the app once authenticated', async () => {
    const first = await send('INVITE');
    assert.equal(first.status, 401);
    const lines = first.all('WWW-Authenticate');
    assert.deepEqual(lines.map((l) => parseChallenge(l).algorithm), ['SHA-256', 'MD5']);
    assert.equal(invites.length, 0);
    const second = await send('INVITE', answerTo(parseChallenge(lines[0] as string), 'INVITE', 1));
    assert.equal(second.status, 486, 'the app answered');
    assert.equal(invites.length, 1);
    assert.deepEqual(bed.problems, []);
  });
});
