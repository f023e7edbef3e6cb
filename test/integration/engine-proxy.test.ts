/**
 * The embedded engine's stateful proxy under an unmodified drachtio-srf app
 * (srf.proxyRequest): A (sipp UAC) → engine (record-routing proxy) → B targets (sipp UAS).
 * ACK and BYE from A carry Route: <engine;lr> and the Request-URI of B's Contact, so they
 * also exercise loose-routed in-dialog forwarding that bypasses the app.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 \
 *         test/integration/engine-proxy.test.ts
 * Needs sipp on PATH. Each test starts its own engine, app and sipps (port 0).
 */
import assert from 'node:assert/strict';
import type Srf from 'drachtio-srf';
import { sippScreenRow, tail, until, useTestBed, withTimeout } from './test-bed.js';
import type { EngineUnderTest, TestBed } from './test-bed.js';
import type { SippRun } from '../helpers/sipp.js';

/** What srf's proxyRequest resolves with (its typings say `string`). */
interface ProxyResult {
  connected: boolean;
  finalStatus?: number;
  responses: { address: string; port: number; msgs: { status: number }[] }[];
}
type ProxyRequest = (req: Srf.SrfRequest, destination: string[], opts: Srf.ProxyRequestOptions) => Promise<ProxyResult>;

interface ProxyLog {
  results: ProxyResult[];
  errors: string[];
  invites: number;
}

async function proxyApp(bed: TestBed, eut: EngineUnderTest, targets: string[], opts: Srf.ProxyRequestOptions): Promise<ProxyLog> {
  const log: ProxyLog = { results: [], errors: [], invites: 0 };
  await bed.connectApp(eut, (srf) => {
    const proxyRequest = srf.proxyRequest.bind(srf) as unknown as ProxyRequest;
    srf.invite((req) => {
      log.invites++;
      proxyRequest(req, targets, { recordRoute: true, ...opts })
        .then((r) => log.results.push(r))
        .catch((err: unknown) => log.errors.push(String(err)));
    });
  });
  return log;
}

/**
 * The final statuses reported, in order. (srf groups them per target, but its grouping
 * test merges consecutive targets on the same address, so only the order is reliable.)
 */
function statuses(r: ProxyResult): number[] {
  return r.responses.flatMap((t) => t.msgs.map((m) => m.status));
}

/** Waits for every sipp, reports every one that failed, and returns their outputs in order. */
async function expectAllPassed(runs: [string, SippRun][]): Promise<string[]> {
  const results = await Promise.all(runs.map(async ([label, run]) => [label, await run.done] as const));
  const failed = results.filter(([, r]) => r.code !== 0);
  assert.deepEqual(failed.map(([label, r]) => `${label}: exit ${String(r.code)}`), [],
    failed.map(([label, r]) => `--- ${label} ---\n${tail(r.output, 40)}`).join('\n'));
  return results.map(([, r]) => r.output);
}

describe('engine + srf proxyRequest (stateful proxy core)', function () {
  const bed = useTestBed();

  it('serial: the first target rejects 486, the second answers; A talks to B through Record-Route', async () => {
    const eut = await bed().startEngine();
    const b1 = await bed().sipp({ scenario: 'uas-reject-486.xml', timeoutS: 10 });
    const b2 = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml', timeoutS: 10 });
    const log = await proxyApp(bed(), eut, [`127.0.0.1:${b1.port}`, `127.0.0.1:${b2.port}`], { forking: 'sequential' });
    const a = await bed().sipp({ scenario: 'uac-invite-answered-send-bye.xml', target: eut.udp, service: 'proxied', timeoutS: 10 });
    await expectAllPassed([['A', a], ['B1 (486)', b1], ['B2 (answers)', b2]]);
    await until(() => log.results.length + log.errors.length > 0, 2_000, 'proxyRequest to settle');
    assert.deepEqual(log.errors, []);
    const r = log.results[0]!;
    assert.deepEqual(statuses(r), [486, 200], "B1's 486 then B2's 200 are reported to the app");
    assert.equal(r.finalStatus, 200);
    assert.equal(r.connected, true);
  });

  it('serial: a target that never answers is abandoned after provisionalTimeout; the next one answers', async () => {
    const eut = await bed().startEngine();
    const silent = await bed().silentPeer();
    const b2 = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml', timeoutS: 10 });
    const log = await proxyApp(bed(), eut, [`127.0.0.1:${silent.port}`, `127.0.0.1:${b2.port}`], {
      forking: 'sequential', provisionalTimeout: '1s',
    });
    const started = Date.now();
    const a = await bed().sipp({ scenario: 'uac-invite-answered-send-bye.xml', target: eut.udp, service: 'proxied', timeoutS: 10 });
    await expectAllPassed([['A', a], ['B2 (answers)', b2]]);
    assert.ok(silent.methods().includes('INVITE'), `the silent target got the INVITE first (got ${silent.methods().join(',')})`);
    await until(() => log.results.length + log.errors.length > 0, 2_000, 'proxyRequest to settle');
    assert.deepEqual(log.errors, []);
    assert.equal(log.results[0]!.finalStatus, 200, `statuses reported: ${statuses(log.results[0]!).join(',')}`);
    assert.ok(Date.now() - started >= 1_000, 'the second target was only tried after the provisional timeout');
  });

  it('simultaneous: one target answers and the other, still ringing, is CANCELled', async () => {
    const eut = await bed().startEngine();
    const answers = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml', timeoutS: 10 });
    const rings = await bed().sipp({ scenario: 'uas-ring-then-expect-cancel-487.xml', timeoutS: 10 });
    const log = await proxyApp(bed(), eut, [`127.0.0.1:${answers.port}`, `127.0.0.1:${rings.port}`], { forking: 'simultaneous' });
    const a = await bed().sipp({ scenario: 'uac-invite-answered-send-bye.xml', target: eut.udp, service: 'forked', timeoutS: 10 });
    const [, , ringsOutput] = await expectAllPassed([['A', a], ['B answers', answers], ['B rings, expects CANCEL', rings]]);
    assert.equal(sippScreenRow(ringsOutput!, /-+> CANCEL/)?.[0], 1, 'the ringing target received one CANCEL');
    await withTimeout(until(() => log.results.length + log.errors.length > 0, 2_000, 'proxyRequest to settle'), 3_000, '');
    assert.deepEqual(log.errors, []);
    // wire protocol §6.1: "A final 2xx is followed by done immediately" — the CANCELled
    // branch's 487 must not be reported after it (srf takes the last status as final).
    const r = log.results[0]!;
    assert.deepEqual(statuses(r), [200], 'only the 2xx is reported for a forked call that was answered');
    assert.equal(r.finalStatus, 200);
    assert.equal(r.connected, true);
    assert.equal(log.invites, 1, 'the app saw only the initial INVITE (ACK/BYE were loose-routed past it)');
  });
});
