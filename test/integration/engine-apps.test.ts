/**
 * How the embedded engine routes requests to unmodified drachtio-srf apps: non-INVITE
 * methods reaching the app, round-robin between apps that route the same verb, an app
 * going away, and 503 when no app is left (wire protocol §3.3).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 \
 *         test/integration/engine-apps.test.ts
 * Needs sipp on PATH. Each test starts its own engine, apps and sipps (port 0).
 */
import assert from 'node:assert/strict';
import type Srf from 'drachtio-srf';
import { appSdp, expectSippPassed, until, useTestBed } from './test-bed.js';
import type { EngineUnderTest, TestBed } from './test-bed.js';

interface Seen {
  method: string;
  headers: Record<string, string>;
  body: string;
}

function record(req: Srf.SrfRequest, names: string[]): Seen {
  const headers: Record<string, string> = {};
  for (const n of names) headers[n] = req.get(n);
  return { method: req.method, headers, body: req.body };
}

/** An app that answers every INVITE (createUAS) and counts the calls it got. */
async function answeringApp(bed: TestBed, eut: EngineUnderTest): Promise<{ srf: Srf; calls: string[] }> {
  const calls: string[] = [];
  const srf = await bed.connectApp(eut, (app) => {
    app.invite((req, res) => {
      calls.push(req.get('Call-ID'));
      app.createUAS(req, res, { localSdp: appSdp() }).catch(() => undefined);
    });
  });
  return { srf, calls };
}

describe('engine routing to srf apps', function () {
  const bed = useTestBed();

  for (const transport of ['udp', 'tcp'] as const) {
    it(`delivers REGISTER to the app that routes it; the app's 200 reaches the UA (${transport})`, async () => {
      const eut = await bed().startEngine();
      const seen: Seen[] = [];
      await bed().connectApp(eut, (srf) => {
        srf.use('register', (req, res) => {
          seen.push(record(req, ['Contact', 'Expires', 'X-Linegate-Test', 'To']));
          res.send(200, { headers: { Contact: `${req.get('Contact')};expires=600`, Expires: '600' } });
        });
      });
      const ua = await bed().sipp({ scenario: 'uac-register-expect-200.xml', target: eut.target(transport), transport, service: 'alice', timeoutS: 10 });
      await expectSippPassed(ua, 'registering UA');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.method, 'REGISTER');
      assert.equal(seen[0]!.headers['X-Linegate-Test'], 'register-1');
      assert.equal(seen[0]!.headers.Expires, '600');
      assert.match(seen[0]!.headers.Contact!, new RegExp(`sip:alice@127\\.0\\.0\\.1:${ua.port};transport=${transport}`, 'i'));
      assert.match(seen[0]!.headers.To!, /sip:alice@127\.0\.0\.1/);
    });
  }

  it('delivers an out-of-dialog OPTIONS to the app and relays its 200', async () => {
    const eut = await bed().startEngine();
    const seen: Seen[] = [];
    await bed().connectApp(eut, (srf) => {
      srf.use('options', (req, res) => {
        seen.push(record(req, ['Accept', 'X-Linegate-Test']));
        res.send(200, { headers: { Allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, MESSAGE' } });
      });
    });
    const ua = await bed().sipp({ scenario: 'uac-options-expect-200.xml', target: eut.udp, service: 'ping', timeoutS: 10 });
    await expectSippPassed(ua, 'OPTIONS sender');
    assert.deepEqual(seen.map((s) => [s.method, s.headers.Accept, s.headers['X-Linegate-Test']]),
      [['OPTIONS', 'application/sdp', 'options-1']]);
  });

  it('delivers a MESSAGE (RFC 3428) with its body to the app', async () => {
    const eut = await bed().startEngine();
    const seen: Seen[] = [];
    await bed().connectApp(eut, (srf) => {
      srf.use('message', (req, res) => {
        seen.push(record(req, ['Content-Type', 'X-Linegate-Test']));
        res.send(200);
      });
    });
    const ua = await bed().sipp({ scenario: 'uac-message-expect-200.xml', target: eut.udp, service: 'inbox', timeoutS: 10 });
    await expectSippPassed(ua, 'MESSAGE sender');
    assert.equal(seen.length, 1);
    assert.deepEqual([seen[0]!.method, seen[0]!.headers['Content-Type'], seen[0]!.headers['X-Linegate-Test']],
      ['MESSAGE', 'text/plain', 'message-1']);
    assert.match(seen[0]!.body, /^hello from linegate sipp/);
  });

  it('shares new calls round-robin between two apps routing INVITE (4 calls → 2 each)', async () => {
    const eut = await bed().startEngine();
    const one = await answeringApp(bed(), eut);
    const two = await answeringApp(bed(), eut);
    const caller = await bed().sipp({ scenario: 'uac', target: eut.udp, service: 'rr', calls: 4, timeoutS: 10 });
    await expectSippPassed(caller, 'caller (4 calls)');
    assert.equal(one.calls.length + two.calls.length, 4);
    assert.deepEqual([one.calls.length, two.calls.length], [2, 2]);
  });

  it("stops routing to an app that disconnected, and answers 503 once no app is left", async () => {
    const eut = await bed().startEngine();
    const leaving = await answeringApp(bed(), eut);
    const staying = await answeringApp(bed(), eut);
    await bed().disconnectApp(leaving.srf);
    await until(() => eut.engine.metrics().wire.apps === 1, 2_000, 'the engine to notice the app left');

    const caller = await bed().sipp({ scenario: 'uac', target: eut.udp, service: 'after-leave', calls: 2, timeoutS: 10 });
    await expectSippPassed(caller, 'caller (2 calls)');
    assert.equal(leaving.calls.length, 0, 'no call went to the app that left');
    assert.equal(staying.calls.length, 2);

    await bed().disconnectApp(staying.srf);
    await until(() => eut.engine.metrics().wire.apps === 0, 2_000, 'the engine to notice the last app left');
    const refused = await bed().sipp({ scenario: 'uac-invite-expect-503.xml', target: eut.udp, service: 'nobody', timeoutS: 10 });
    await expectSippPassed(refused, 'caller with no app left (expects 503)');
  });
});
