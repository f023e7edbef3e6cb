/**
 * The embedded engine under an unmodified drachtio-srf B2BUA (createB2BUA):
 * A (sipp UAC) → engine → app → engine → B (sipp UAS), both legs on one app connection.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 \
 *         test/integration/engine-b2bua.test.ts
 * Needs sipp on PATH. Each test starts its own engine, app and two sipps (port 0).
 */
import assert from 'node:assert/strict';
import type Srf from 'drachtio-srf';
import { sippScreenRow, tail, until, useTestBed } from './test-bed.js';
import type { EngineUnderTest, TestBed } from './test-bed.js';
import type { SippRun } from '../helpers/sipp.js';

type Transport = 'udp' | 'tcp';

/** What the B2BUA app saw. */
interface B2buaLog {
  connected: { uas: Srf.Dialog; uac: Srf.Dialog }[];
  failures: { status?: number; message: string }[];
  bLegRequests: Srf.SrfRequest[];
  aCancels: number;
  /** Which leg's far end hung up first: 'A' (uas destroyed) or 'B' (uac destroyed). */
  hangups: ('A' | 'B')[];
  /** Bodies of re-INVITEs relayed, tagged with the leg they came from. */
  relayed: { from: 'A' | 'B'; offer: string; answer: string }[];
}

interface B2buaSetup {
  opts?: Srf.CreateB2BUAOptions;
  /** Relay re-INVITEs in both directions (srf leaves that to the app). */
  relayReinvites?: boolean;
}

/** srf calls cbRequest(err, req) although its typings say (req). */
type CreateB2bua = (req: Srf.SrfRequest, res: Srf.SrfResponse, uri: string, opts: Srf.CreateB2BUAOptions,
  progress: { cbRequest: (err: unknown, req?: Srf.SrfRequest) => void }) => Promise<{ uas: Srf.Dialog; uac: Srf.Dialog }>;

async function b2buaApp(bed: TestBed, eut: EngineUnderTest, bTarget: string, setup: B2buaSetup = {}): Promise<B2buaLog> {
  const log: B2buaLog = { connected: [], failures: [], bLegRequests: [], aCancels: 0, hangups: [], relayed: [] };
  await bed.connectApp(eut, (srf) => {
    const createB2BUA = srf.createB2BUA.bind(srf) as unknown as CreateB2bua;
    srf.invite((req, res) => {
      req.on('cancel', () => { log.aCancels++; });
      createB2BUA(req, res, bTarget, { localSdpB: req.body, ...setup.opts }, {
        cbRequest: (_err, uacReq) => { if (uacReq) log.bLegRequests.push(uacReq); },
      })
        .then(({ uas, uac }) => {
          log.connected.push({ uas, uac });
          uas.on('destroy', () => { log.hangups.push('A'); void uac.destroy(); });
          uac.on('destroy', () => { log.hangups.push('B'); void uas.destroy(); });
          if (setup.relayReinvites) {
            relay(uas, uac, 'A', log);
            relay(uac, uas, 'B', log);
          }
        })
        .catch((err: Error & { status?: number }) => log.failures.push({ status: err.status, message: err.message }));
    });
  });
  return log;
}

/** A re-INVITE on `from` is offered to `to`, and `to`'s answer answers it. */
function relay(from: Srf.Dialog, to: Srf.Dialog, leg: 'A' | 'B', log: B2buaLog): void {
  from.on('modify', (req, res) => {
    to.modify(req.body)
      .then((answer) => {
        log.relayed.push({ from: leg, offer: req.body, answer });
        res.send(200, { body: answer });
      })
      .catch(() => res.send(500));
  });
}

/** Waits for both sipps, then reports every one that failed (A's timeout often hides B's story). */
async function expectBothPassed(a: SippRun, b: SippRun, aScenario: string, bScenario: string): Promise<{ aOutput: string; bOutput: string }> {
  const [ra, rb] = await Promise.all([a.done, b.done]);
  const failed = [[`A (${aScenario})`, ra] as const, [`B (${bScenario})`, rb] as const].filter(([, r]) => r.code !== 0);
  assert.deepEqual(failed.map(([label, r]) => `${label}: exit ${String(r.code)}`), [],
    failed.map(([label, r]) => `--- ${label} ---\n${tail(r.output, 40)}`).join('\n'));
  return { aOutput: ra.output, bOutput: rb.output };
}

function bUri(b: SippRun, transport: Transport): string {
  return `sip:callee@127.0.0.1:${b.port}${transport === 'tcp' ? ';transport=tcp' : ''}`;
}

describe('engine + srf createB2BUA (sipp A → app → sipp B)', function () {
  const bed = useTestBed();

  async function call(aScenario: string, bScenario: string, setup: B2buaSetup = {}, transport: Transport = 'udp') {
    const eut = await bed().startEngine();
    const b = await bed().sipp({ scenario: bScenario, transport, timeoutS: 10 });
    const log = await b2buaApp(bed(), eut, bUri(b, transport), setup);
    const a = await bed().sipp({ scenario: aScenario, target: eut.target(transport), transport, service: 'b2bua', timeoutS: 10 });
    const outputs = await expectBothPassed(a, b, aScenario, bScenario);
    return { eut, log, ...outputs };
  }

  for (const transport of ['udp', 'tcp'] as const) {
    it(`connects a plain call and relays A's BYE to B (${transport})`, async () => {
      const { eut, log } = await call('uac-invite-answered-send-bye.xml', 'uas-answer-expect-bye.xml', {}, transport);
      await until(() => log.hangups.length > 0, 2_000, 'the hang-up');
      assert.equal(log.connected.length, 1);
      assert.deepEqual(log.hangups, ['A']);
      assert.deepEqual(log.failures, []);
      assert.equal(log.bLegRequests[0]?.protocol, transport, 'the B leg went out over the same transport');
      await until(() => eut.engine.dialogCount() === 0, 2_000, 'the engine to forget both dialogs');
    });
  }

  it("relays B's BYE to A", async () => {
    const { log } = await call('uac-invite-answered-expect-bye.xml', 'uas-answer-then-send-bye.xml');
    assert.deepEqual(log.hangups, ['B']);
  });

  it("passes B's 486 back to A", async () => {
    const { log } = await call('uac-invite-expect-486.xml', 'uas-reject-486.xml');
    assert.deepEqual(log.failures.map((f) => f.status), [486]);
    assert.equal(log.connected.length, 0);
  });

  it("CANCELs B when A CANCELs (A gets 487, B sees CANCEL and answers 487)", async () => {
    const { log, bOutput } = await call('uac-invite-cancel-after-180-expect-487.xml', 'uas-ring-then-expect-cancel-487.xml');
    assert.equal(log.aCancels, 1, 'the app saw the CANCEL from A');
    assert.equal(sippScreenRow(bOutput, /-+> CANCEL/)?.[0], 1, 'B received one CANCEL');
    assert.deepEqual(log.failures.map((f) => f.status), [487]);
    assert.equal(log.bLegRequests.length, 1);
  });

  it("relays a re-INVITE from A to B and B's answer back to A", async () => {
    const { log } = await call('uac-invite-reinvite-bye.xml', 'uas-answer-accept-reinvite.xml', { relayReinvites: true });
    assert.equal(log.relayed.length, 1);
    assert.equal(log.relayed[0]!.from, 'A');
    assert.match(log.relayed[0]!.offer, /a=sendonly/);
    assert.match(log.relayed[0]!.answer, /a=recvonly/);
  });

  it("relays a re-INVITE from B to A and A's answer back to B", async () => {
    const { log } = await call('uac-invite-accept-reinvite-bye.xml', 'uas-answer-then-reinvite.xml', { relayReinvites: true });
    assert.equal(log.relayed.length, 1);
    assert.equal(log.relayed[0]!.from, 'B');
    assert.match(log.relayed[0]!.offer, /a=sendonly/);
    assert.match(log.relayed[0]!.answer, /a=recvonly/);
  });

  it('handles 100rel/PRACK on both legs (reliable 183 from B relayed reliably to A)', async () => {
    // srf relays a provisional reliably when the headers copied from B's response
    // include Require: 100rel, and waits for A's PRACK before answering A.
    const { log } = await call('uac-invite-100rel-prack.xml', 'uas-answer-183-reliable.xml', {
      opts: { proxyRequestHeaders: ['Supported', 'Require'], proxyResponseHeaders: ['Require'] },
    });
    assert.equal(log.connected.length, 1);
    assert.match(log.bLegRequests[0]?.get('Require') ?? '', /100rel/, "A's Require: 100rel went to B");
  });
});
