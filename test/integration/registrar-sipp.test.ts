/**
 * The Registrar on a real drachtio-srf app on the embedded engine, with sipp as the phone:
 * Digest MD5 registration (sipp's [authentication]), a wrong password, lockout, and a
 * call placed by the app with lookup() + createUAC that reaches the sipp that registered,
 * over UDP (at its NAT'd source) and over TCP (on the connection it registered on).
 *
 * The registrar offers MD5 only here: sipp 3.6 reads the first WWW-Authenticate and gives
 * up on it if it is SHA-256 ("authentication must use MD5 or AKAv1-MD5") instead of
 * moving on to the MD5 challenge as RFC 8760 §2.4 asks. SHA-256 (with both challenges
 * offered) is covered by registrar-digest.test.ts with a raw client.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ReachableContact } from '../../src/b2bua/index.js';
import { startRegistrarBed, type RegistrarBed } from '../helpers/registrar-bed.js';
import { SCENARIO_DIR, startSipp, type SippRun } from '../helpers/sipp.js';
import { sleep } from '../helpers/until.js';

const SDP = ['v=0', 'o=app 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40002 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

const MD5_ONLY = { settings: { algorithms: ['MD5'] as const } };

async function lookupSoon(bed: RegistrarBed, userId: string, timeoutMs: number): Promise<ReachableContact> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [c] = await bed.registrar.lookup(userId);
    if (c) return c;
    if (Date.now() > deadline) throw new Error(`${userId} did not register within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe('registrar with sipp (embedded engine, drachtio-srf)', function () {
  this.timeout(20_000);
  let bed: RegistrarBed | undefined;
  const runs: SippRun[] = [];

  afterEach(async () => {
    for (const r of runs.splice(0)) r.kill();
    await bed?.stop();
    bed = undefined;
  });

  async function sipp(scenario: string, transport: 'udp' | 'tcp', keys: Record<string, string> = {}, extra: string[] = []): Promise<SippRun> {
    assert.ok(bed);
    const target = `127.0.0.1:${transport === 'udp' ? bed.udpPort : bed.tcpPort}`;
    const run = await startSipp({ scenario, target, transport, keys, extra, timeoutS: 15 });
    runs.push(run);
    return run;
  }

  /** Registers with MD5, then the app calls alice: the INVITE must reach the sipp that registered. */
  async function registerAndCall(transport: 'udp' | 'tcp', contactHost: string): Promise<{ contact: ReachableContact; output: string }> {
    bed = await startRegistrarBed(MD5_ONLY);
    const run = await sipp('uac-register-digest-expect-200.xml', transport, { contact_host: contactHost },
      ['-oocsf', path.join(SCENARIO_DIR, 'uac-register-digest-ooc-answer.xml')]);
    const contact = await lookupSoon(bed, 'u-alice', 5_000);
    const dialog = await bed.srf.createUAC(contact.uri, { ...contact.uacOptions, localSdp: SDP });
    await sleep(100);
    await new Promise<void>((resolve) => dialog.destroy(undefined, () => resolve()));
    const { code, output } = await run.done;
    assert.equal(code, 0, output);
    assert.deepEqual(await bed.registrar.lookup('u-alice'), [], 'sipp unregistered with Contact: *');
    assert.deepEqual(bed.problems, []);
    return { contact, output };
  }

  it('registers with MD5 over UDP and is called at its source address when its Contact is private (NAT)', async () => {
    const { contact } = await registerAndCall('udp', '192.168.77.77');
    assert.match(contact.uri, /^sip:alice@192\.168\.77\.77:\d+;transport=udp$/i);
    assert.equal(contact.uacOptions.proxy, `sip:127.0.0.1:${contact.source?.port};transport=udp`);
    assert.equal(contact.userAgent, 'linegate-sipp');
  });

  it('registers with MD5 over TCP and is called on the connection it registered on', async () => {
    // A private Contact host, as from a phone behind NAT: nothing but the registered
    // connection can reach it (sipp's source port is also its Contact port, so with a
    // loopback Contact the engine could have found the connection by address alone).
    const { contact } = await registerAndCall('tcp', '192.168.77.78');
    assert.ok(bed);
    // The INVITE (and the BYE) went over the connection sipp opened: the engine opened none.
    assert.equal(bed.engine.metrics().transport.connectionsOpened, 0);
    assert.equal(contact.source?.protocol, 'tcp');
    assert.equal(contact.uacOptions.proxy, `sip:127.0.0.1:${contact.source?.port};transport=tcp`);
  });

  it('answers a wrong password with 401 again', async () => {
    bed = await startRegistrarBed(MD5_ONLY);
    const run = await sipp('uac-register-digest-wrong-password-expect-401.xml', 'udp');
    const { code, output } = await run.done;
    assert.equal(code, 0, output);
    assert.deepEqual(await bed.registrar.lookup('u-alice'), []);
    assert.equal((await bed.store.getCounter('authfail.user', 'alice')).value, 1);
  });

  it('locks alice and the source out after 3 failures: 403, even before a challenge', async () => {
    bed = await startRegistrarBed(MD5_ONLY);
    const run = await sipp('uac-register-digest-lockout-expect-403.xml', 'udp');
    const { code, output } = await run.done;
    assert.equal(code, 0, output);
    assert.deepEqual(await bed.registrar.lookup('u-alice'), []);
  });
});
