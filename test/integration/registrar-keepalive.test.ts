/**
 * OPTIONS keepalives through the real srf and engine: alice registers from two raw UDP
 * clients; the one that answers OPTIONS stays, the silent one is removed after two
 * failed pings. The engine's own 408 (T1 = 20 ms, so Timer F fires after 1.28 s) is
 * what tells the registrar a ping failed.
 */
import assert from 'node:assert/strict';
import { authorization, parseChallenge } from '../helpers/digest-client.js';
import { BED_DOMAIN, startRegistrarBed, type RegistrarBed } from '../helpers/registrar-bed.js';
import { UdpSipClient } from '../helpers/udp-sip-client.js';
import { sleep } from '../helpers/until.js';

describe('registrar OPTIONS keepalives (embedded engine, drachtio-srf)', function () {
  this.timeout(15_000);
  let bed: RegistrarBed | undefined;
  const clients: UdpSipClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await bed?.stop();
  });

  async function register(b: RegistrarBed, client: UdpSipClient): Promise<void> {
    const msg = (cseq: number, auth?: string): string => [
      `REGISTER sip:${BED_DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=z9hG4bK-ka-${client.port}-${cseq};rport`,
      'Max-Forwards: 70',
      `From: <sip:alice@${BED_DOMAIN}>;tag=ka${client.port}`,
      `To: <sip:alice@${BED_DOMAIN}>`,
      `Call-ID: ka-${client.port}@127.0.0.1`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:alice@127.0.0.1:${client.port}>`,
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0', '', '',
    ].join('\r\n');
    const first = await client.request(msg(1), b.udpPort);
    const ch = parseChallenge(first.all('WWW-Authenticate')[0] as string);
    const auth = authorization(ch, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${BED_DOMAIN}` });
    assert.equal((await client.request(msg(2, auth), b.udpPort)).status, 200);
  }

  it('keeps the contact that answers OPTIONS and removes the silent one after two failed pings', async () => {
    bed = await startRegistrarBed({ timers: { T1: 20 }, keepalive: { intervalS: 0.3, timeoutS: 5 } });
    const alive = await UdpSipClient.open();
    const silent = await UdpSipClient.open();
    clients.push(alive, silent);
    alive.answerOptions = true;
    await register(bed, alive);
    await register(bed, silent);
    assert.equal((await bed.registrar.lookup('u-alice')).length, 2);
    const deadline = Date.now() + 8_000;
    let uris: string[] = [];
    while (Date.now() < deadline) {
      uris = (await bed.registrar.lookup('u-alice')).map((c) => c.uri);
      if (uris.length < 2) break;
      await sleep(100);
    }
    assert.deepEqual(uris, [`sip:alice@127.0.0.1:${alive.port}`]);
    assert.ok(alive.requestsIn.filter((m) => m === 'OPTIONS').length >= 2, `alive got ${alive.requestsIn.join(',')}`);
    assert.ok(silent.requestsIn.includes('OPTIONS'));
    assert.deepEqual(bed.problems, []);
  });
});
