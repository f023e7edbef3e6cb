/**
 * The embedded engine under unmodified drachtio-srf UAC apps (createUAC), with sipp as
 * the called party.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 \
 *         test/integration/engine-uac.test.ts
 * Needs sipp on PATH. Each test starts its own engine, app and sipp on loopback, port 0.
 */
import assert from 'node:assert/strict';
import type Srf from 'drachtio-srf';
import { freeTcpPort } from '../helpers/ports.js';
import { appSdp, delay, expectSippPassed, tail, until, useTestBed, whileSippRuns } from './test-bed.js';
import type { EngineUnderTest, TestBed } from './test-bed.js';

/** srf calls cbRequest(err, req) although its typings say (req). */
interface UacProgress {
  cbRequest?: (err: unknown, req?: Srf.SrfRequest) => void;
  cbProvisional?: (res: Srf.SrfResponse) => void;
}
type CreateUac = (uri: string, opts: Srf.CreateUACOptions, progress?: UacProgress) => Promise<Srf.Dialog>;

/** An app with no routes: it only places calls. */
async function callingApp(bed: TestBed, eut: EngineUnderTest): Promise<{ srf: Srf; createUAC: CreateUac }> {
  const srf = await bed.connectApp(eut, () => undefined);
  const createUAC = srf.createUAC.bind(srf) as unknown as CreateUac;
  return { srf, createUAC };
}

function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : undefined;
}

describe('engine + srf UAC (app calls out to sipp)', function () {
  const bed = useTestBed();

  for (const transport of ['udp', 'tcp'] as const) {
    it(`places a call with createUAC and hangs it up with destroy() (${transport})`, async () => {
      const eut = await bed().startEngine();
      const { createUAC } = await callingApp(bed(), eut);
      const callee = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml', transport, timeoutS: 10 });
      const t = transport === 'tcp' ? ';transport=tcp' : '';
      const dialog = await whileSippRuns(createUAC(`sip:callee@127.0.0.1:${callee.port}${t}`, { localSdp: appSdp() }), callee, 'callee');
      assert.match(dialog.remote.sdp, /m=audio \d+ RTP\/AVP 0/, 'the answer reached the app');
      assert.equal(dialog.type, 'uac');
      await dialog.destroy();
      await expectSippPassed(callee, 'callee');
      await until(() => eut.engine.dialogCount() === 0, 2_000, 'the engine to forget the dialog');
    });
  }

  it('answers a Digest challenge (srf opts.auth) and the callee verifies it', async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const callee = await bed().sipp({
      scenario: 'uas-challenge-401-then-answer.xml', timeoutS: 10, keys: { auth_user: 'alice', auth_password: 's3cret' },
    });
    const dialog = await whileSippRuns(createUAC(`sip:callee@127.0.0.1:${callee.port}`, {
      localSdp: appSdp(), auth: { username: 'alice', password: 's3cret' },
    }), callee, 'callee');
    await dialog.destroy();
    await expectSippPassed(callee, 'callee');
  });

  it('gets 403 when the Digest credential is wrong (the challenge check is real)', async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const callee = await bed().sipp({
      scenario: 'uas-challenge-401-then-answer.xml', timeoutS: 10, keys: { auth_user: 'alice', auth_password: 's3cret' },
    });
    const err = await createUAC(`sip:callee@127.0.0.1:${callee.port}`, {
      localSdp: appSdp(), auth: { username: 'alice', password: 'wrong' },
    }).then(() => undefined, (e: unknown) => e);
    assert.equal(statusOf(err), 403);
    const { code } = await callee.done;
    assert.notEqual(code, 0, 'the callee scenario fails the call it refused');
  });

  it('fails fast with 503 when the TCP connection to the target is refused (RFC 3261 §8.1.3.1)', async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const port = await freeTcpPort(); // nobody listens there
    const started = Date.now();
    const err = await createUAC(`sip:nobody@127.0.0.1:${port};transport=tcp`, { localSdp: appSdp() })
      .then(() => undefined, (e: unknown) => e);
    const took = Date.now() - started;
    // a transport failure "MUST be treated as a 503"; waiting for timer B (64·T1) and
    // answering 408 is what a UDP target that never answers gets, not a refused connection
    assert.deepEqual({ status: statusOf(err), fast: took < 1_000 }, { status: 503, fast: true }, `took ${took} ms`);
  });

  it('rejects createUAC with the 486 the callee sent', async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const callee = await bed().sipp({ scenario: 'uas-reject-486.xml', timeoutS: 10 });
    const err = await createUAC(`sip:callee@127.0.0.1:${callee.port}`, { localSdp: appSdp() })
      .then(() => undefined, (e: unknown) => e);
    assert.equal(statusOf(err), 486);
    await expectSippPassed(callee, 'callee (expects the engine to ACK the 486)');
  });

  it("emits 'destroy' when the callee hangs up", async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const callee = await bed().sipp({ scenario: 'uas-answer-then-send-bye.xml', timeoutS: 10 });
    const dialog = await whileSippRuns(createUAC(`sip:callee@127.0.0.1:${callee.port}`, { localSdp: appSdp() }), callee, 'callee');
    const destroyed = new Promise<Srf.SrfRequest>((resolve) => dialog.on('destroy', resolve));
    await expectSippPassed(callee, 'callee');
    const bye = await destroyed;
    assert.equal(bye.method, 'BYE');
  });

  it("delivers the callee's re-INVITE to Dialog 'modify'", async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const callee = await bed().sipp({ scenario: 'uas-answer-then-reinvite.xml', timeoutS: 10 });
    const dialog = await whileSippRuns(createUAC(`sip:callee@127.0.0.1:${callee.port}`, { localSdp: appSdp() }), callee, 'callee');
    const offers: string[] = [];
    dialog.on('modify', (req, res) => {
      offers.push(req.body);
      res.send(200, { body: appSdp(2, 'recvonly') });
      void delay(200).then(() => dialog.destroy());
    });
    await expectSippPassed(callee, 'callee');
    assert.equal(offers.length, 1);
    assert.match(offers[0]!, /a=sendonly/);
  });

  it('PRACKs a reliable 183 from the callee (srf sends PRACK, engine builds it with RAck)', async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const callee = await bed().sipp({ scenario: 'uas-answer-183-reliable.xml', timeoutS: 10 });
    const provisionals: { status: number; rseq: string }[] = [];
    const dialog = await whileSippRuns(createUAC(`sip:callee@127.0.0.1:${callee.port}`, {
      localSdp: appSdp(), headers: { Supported: '100rel' },
    }, { cbProvisional: (res) => provisionals.push({ status: res.status, rseq: res.get('RSeq') }) }), callee, 'callee');
    assert.deepEqual(provisionals.filter((p) => p.status === 183), [{ status: 183, rseq: '1' }]);
    await dialog.destroy();
    await expectSippPassed(callee, 'callee (checks the PRACK and its RAck)');
  });

  /*
   * CANCEL racing a 200. The app cancels as soon as it sees the 180; the callee sends
   * its 200 right behind the 180. Orderings, all accepted by the first test (which one
   * happened depends on scheduling), the last one forced by the second test:
   *   (a) the CANCEL reaches the callee before its 200 left: the callee answers 200 to
   *       the CANCEL and 487 to the INVITE; createUAC rejects with 487;
   *   (b) the 200 reaches the engine before the app's CANCEL: the CANCEL is moot
   *       (RFC 3261 §9.1: not sent after a final response); srf resolves createUAC
   *       with a dialog and the app hangs up itself;
   *   (c) the 200 reaches the engine after the CANCEL went out: the engine must ACK it
   *       and send BYE on its own, telling the app with an `unsolicited` BYE
   *       (wire protocol §7.3).
   * In every case the callee's scenario sees a complete, torn-down call.
   */
  it('CANCEL racing a 200: the call is torn down whichever wins', async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const callee = await bed().sipp({ scenario: 'uas-answer-200-immediately.xml', timeoutS: 10 });
    let invite: Srf.SrfRequest | undefined;
    const outcome = await whileSippRuns(createUAC(`sip:callee@127.0.0.1:${callee.port}`, { localSdp: appSdp() }, {
      cbRequest: (_err, req) => { invite = req; },
      cbProvisional: (res) => { if (res.status === 180) invite?.cancel(() => undefined); },
    }).then((d) => d, (e: unknown) => e), callee, 'callee');
    assert.ok(invite, 'cbRequest gave the INVITE');
    if (statusOf(outcome) === 487) {
      // ordering (a): nothing left to tear down
    } else {
      assert.ok(outcome && typeof outcome === 'object' && 'destroy' in outcome, `createUAC gave ${String(outcome)}`);
      const dialog = outcome as Srf.Dialog;
      let engineHungUp = false;
      dialog.on('destroy', () => { engineHungUp = true; });
      await delay(300);
      if (!engineHungUp) await dialog.destroy(); // ordering (b): our job
    }
    await expectSippPassed(callee, 'callee');
    await until(() => eut.engine.dialogCount() === 0, 2_000, 'the engine to forget the dialog');
  });

  it('a 200 that crosses the CANCEL is ACKed and then BYEd by the engine (unsolicited BYE to the app)', async () => {
    const eut = await bed().startEngine();
    const { createUAC } = await callingApp(bed(), eut);
    const callee = await bed().sipp({ scenario: 'uas-answer-200-crossing-cancel.xml', timeoutS: 10 });
    let invite: Srf.SrfRequest | undefined;
    const outcome = createUAC(`sip:callee@127.0.0.1:${callee.port}`, { localSdp: appSdp() }, {
      cbRequest: (_err, req) => { invite = req; },
      cbProvisional: (res) => { if (res.status === 180) invite?.cancel(() => undefined); },
    });
    const dialog = await whileSippRuns(outcome, callee, 'callee')
      .catch((e: unknown) => assert.fail(`createUAC failed: ${String(e)} (status ${String(statusOf(e))})`));
    const destroyed = new Promise<Srf.SrfRequest>((resolve) => dialog.on('destroy', resolve));
    const { code, output } = await callee.done;
    assert.equal(code, 0, `callee: expected ACK then a BYE from the engine\n${tail(output)}`);
    const bye = await destroyed;
    assert.equal(bye.method, 'BYE', 'the app heard about the BYE the engine sent');
  });
});
