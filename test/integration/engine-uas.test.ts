/**
 * The embedded engine under unmodified drachtio-srf UAS apps, with sipp as the caller.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 \
 *         test/integration/engine-uas.test.ts
 * Needs sipp (Debian sip-tester) on PATH. Every test starts its own engine (SIP on
 * 127.0.0.1 UDP+TCP port 0, wire on port 0, T1 = 50 ms) and its own app and sipp.
 */
import assert from 'node:assert/strict';
import type Srf from 'drachtio-srf';
import { appSdp, delay, expectSippPassed, sippScreenRow, until, useTestBed } from './test-bed.js';
import type { EngineUnderTest, TestBed } from './test-bed.js';

/** An app that answers every INVITE with createUAS and records what it saw. */
interface UasApp {
  invites: Srf.SrfRequest[];
  dialogs: Srf.Dialog[];
  destroyed: { at: number; reason: string }[];
  answeredAt: number[];
  errors: string[];
}

async function answeringApp(bed: TestBed, eut: EngineUnderTest, onDialog?: (d: Srf.Dialog) => void): Promise<UasApp> {
  const seen: UasApp = { invites: [], dialogs: [], destroyed: [], answeredAt: [], errors: [] };
  await bed.connectApp(eut, (srf) => {
    srf.invite((req, res) => {
      seen.invites.push(req);
      srf.createUAS(req, res, { localSdp: appSdp() })
        .then((dialog) => {
          seen.answeredAt.push(Date.now());
          seen.dialogs.push(dialog);
          (dialog as DialogEvents).on('destroy', (_bye: Srf.SrfRequest, reason?: string) => {
            seen.destroyed.push({ at: Date.now(), reason: reason ?? '' });
          });
          onDialog?.(dialog);
        })
        .catch((err: Error) => seen.errors.push(err.message));
    });
  });
  return seen;
}

/** srf's Dialog emits `destroy` with (bye, reason); its typings only name the first. */
interface DialogEvents {
  on(event: 'destroy', fn: (bye: Srf.SrfRequest, reason?: string) => void): unknown;
}

describe('engine + srf UAS (sipp calls in)', function () {
  const bed = useTestBed();

  for (const transport of ['udp', 'tcp'] as const) {
    it(`answers a call with createUAS and sees the caller's BYE (${transport})`, async () => {
      const eut = await bed().startEngine();
      const app = await answeringApp(bed(), eut);
      const caller = await bed().sipp({ scenario: 'uac', target: eut.target(transport), transport, service: 'alice', timeoutS: 10 });
      await expectSippPassed(caller, 'caller');
      await until(() => app.destroyed.length === 1, 2_000, 'the dialog to be destroyed by the BYE');
      assert.equal(app.invites.length, 1);
      const invite = app.invites[0]!;
      assert.equal(invite.method, 'INVITE');
      assert.match(invite.body, /m=audio \d+ RTP\/AVP 0/, 'the app sees the offer');
      assert.equal(invite.protocol, transport);
      assert.deepEqual(app.errors, []);
      assert.equal(app.dialogs.length, 1);
      assert.equal(app.dialogs[0]!.sip.callId, invite.get('Call-ID'));
      await until(() => eut.engine.dialogCount() === 0, 2_000, 'the engine to forget the dialog');
    });
  }

  it('rejects with res.send(486) and the caller gets 486 (ACK absorbed by the engine)', async () => {
    const eut = await bed().startEngine();
    const invites: string[] = [];
    await bed().connectApp(eut, (srf) => {
      srf.invite((req, res) => {
        invites.push(req.get('Call-ID'));
        res.send(486);
      });
    });
    const caller = await bed().sipp({ scenario: 'uac-invite-expect-486.xml', target: eut.udp, service: 'bob', timeoutS: 10 });
    await expectSippPassed(caller, 'caller');
    assert.equal(invites.length, 1, 'the app saw exactly one INVITE (retransmissions absorbed)');
    assert.equal(eut.engine.dialogCount(), 0);
  });

  it('tells the app about a CANCEL while it rings; the caller gets 200 and 487', async () => {
    const eut = await bed().startEngine();
    const cancels: Srf.SipMessage[] = [];
    await bed().connectApp(eut, (srf) => {
      srf.invite((req, res) => {
        req.on('cancel', (cancel) => cancels.push(cancel));
        res.send(180);
      });
    });
    const caller = await bed().sipp({ scenario: 'uac-invite-cancel-after-180-expect-487.xml', target: eut.udp, service: 'carol', timeoutS: 10 });
    await expectSippPassed(caller, 'caller');
    await until(() => cancels.length === 1, 2_000, "the app's cancel event");
    assert.equal((cancels[0] as Srf.SrfRequest).method, 'CANCEL');
  });

  it('retransmits an unacknowledged 200 and ends the dialog with BYE at timer H (64·T1 = 3.2 s)', async function () {
    this.timeout(20_000);
    const eut = await bed().startEngine();
    const app = await answeringApp(bed(), eut);
    const caller = await bed().sipp({ scenario: 'uac-invite-200-no-ack-expect-bye.xml', target: eut.udp, service: 'dave', timeoutS: 12 });
    const output = await expectSippPassed(caller, 'caller');
    await until(() => app.destroyed.length === 1, 2_000, 'the app to hear about the BYE');
    const heldFor = app.destroyed[0]!.at - app.answeredAt[0]!;
    assert.ok(heldFor >= 3_000 && heldFor < 6_000, `BYE came ${heldFor} ms after the 200, expected ~3200 ms`);
    const counts = sippScreenRow(output, /^\s*200 <-+/);
    assert.ok(counts, `no 200 row in sipp's statistics:\n${output.slice(-2000)}`);
    assert.ok(counts[1] >= 3, `the 200 was retransmitted ${counts[1]} times, expected several (timer G)`);
    await until(() => eut.engine.dialogCount() === 0, 2_000, 'the engine to forget the dialog');
  });

  it('delivers an INFO inside the dialog to the Dialog (method, headers, body)', async () => {
    const eut = await bed().startEngine();
    const infos: { method: string; type: string; test: string; body: string }[] = [];
    const app = await answeringApp(bed(), eut, (dialog) => {
      dialog.on('info', (req, res) => {
        infos.push({ method: req.method, type: req.get('Content-Type'), test: req.get('X-Linegate-Test'), body: req.body });
        res.send(200);
      });
    });
    const caller = await bed().sipp({ scenario: 'uac-invite-info-bye.xml', target: eut.udp, service: 'erin', timeoutS: 10 });
    await expectSippPassed(caller, 'caller');
    await until(() => app.destroyed.length === 1, 2_000, 'the BYE');
    assert.deepEqual(infos.map((i) => [i.method, i.type, i.test]), [['INFO', 'application/dtmf-relay', 'info-in-dialog']]);
    assert.match(infos[0]!.body, /Signal=5/);
  });

  it("delivers the caller's re-INVITE to Dialog 'modify' and sends the app's answer", async () => {
    const eut = await bed().startEngine();
    const offers: string[] = [];
    const app = await answeringApp(bed(), eut, (dialog) => {
      dialog.on('modify', (req, res) => {
        offers.push(req.body);
        res.send(200, { body: appSdp(2, 'recvonly') });
      });
    });
    const caller = await bed().sipp({ scenario: 'uac-invite-reinvite-bye.xml', target: eut.udp, service: 'frank', timeoutS: 10 });
    await expectSippPassed(caller, 'caller');
    await until(() => app.destroyed.length === 1, 2_000, 'the BYE');
    assert.equal(offers.length, 1);
    assert.match(offers[0]!, /a=sendonly/, 'the re-INVITE offer reached the app');
    // the caller's scenario checks that the 200 to its re-INVITE carries the app's a=recvonly answer
  });

  it('answers a caller that requires 100rel with a reliable 183 and gets its PRACK', async () => {
    const eut = await bed().startEngine();
    const pracks: string[] = [];
    const answered: string[] = [];
    await bed().connectApp(eut, (srf) => {
      srf.invite((req, res) => {
        // srf's res.send(status, reason, opts, callback, fnAck): fnAck gets the PRACK
        const send = res.send.bind(res) as unknown as ReliableSend;
        send(183, 'Session Progress', { headers: { Require: '100rel' }, body: appSdp() }, undefined, (prack) => {
          pracks.push(prack.get('RAck'));
          void delay(50).then(() => srf.createUAS(req, res, { localSdp: appSdp() }))
            .then((d) => answered.push(d.sip.callId))
            .catch((err: Error) => answered.push(`error: ${err.message}`));
        });
      });
    });
    const caller = await bed().sipp({ scenario: 'uac-invite-100rel-prack.xml', target: eut.udp, service: 'gina', timeoutS: 10 });
    await expectSippPassed(caller, 'caller');
    assert.equal(pracks.length, 1, 'the app saw the PRACK through fnAck');
    // RAck: <RSeq> <CSeq of the INVITE> INVITE; the RSeq starts at a random value (RFC 3262 §3)
    assert.match(pracks[0]!, /^\d+ 1 INVITE$/);
    assert.equal(answered.length, 1);
    assert.doesNotMatch(answered[0]!, /^error/);
  });
});

type ReliableSend = (
  status: number, reason: string, opts: { headers?: Record<string, string>; body?: string },
  callback: undefined, fnAck: (prack: Srf.SrfRequest) => void,
) => void;
