/**
 * The running engine under hostile input: 10,000 mutated SIP messages over UDP and TCP
 * against an engine with a real drachtio-srf app, then proof that it is still up and
 * still places a call (sipp). Also TCP framing errors, byte-by-byte framing, and the edge
 * defences (scanner filter, rate limiting) end to end.
 *
 * The inputs come from a seeded PRNG: the seed is printed, and FUZZ_SEED=<seed> replays
 * the same messages (ports differ between runs, so the Via/URI digits do too).
 */
import assert from 'node:assert/strict';
import { CrashWatch } from '../helpers/crash-watch.js';
import { awaitAppReady, startEngineUnderTest, transportStats, type EngineUnderTest } from '../helpers/engine-under-test.js';
import { plainOptions, type SeedKind } from '../helpers/fuzz-seeds.js';
import { RawTcpPeer } from '../helpers/raw-tcp-peer.js';
import { startSipp } from '../helpers/sipp.js';
import { UdpSipPeer } from '../helpers/udp-sip-peer.js';
import { sleep, tick, until } from '../helpers/until.js';
import { WireFuzzer, type Control } from '../helpers/wire-fuzzer.js';
import { fuzzSeed } from '../helpers/xorshift32.js';

const UDP_MESSAGES = 7_000;
const TCP_LANES = 6;
const TCP_MESSAGES_PER_LANE = 500;
/** The engine's default maxMessageSize. */
const MAX_MESSAGE_SIZE = 65_535;
/**
 * Fuzzing takes 2-5 s on 2 idle cores. Past this budget it stops and the test fails with
 * how far it got, instead of running into mocha's timeout with nothing to show.
 */
const FUZZ_BUDGET_MS = 30_000;

/**
 * The right answer to each unmutated seed, as the distinct statuses heard: the app answers
 * INVITE (after the engine's 100 Trying) and every routable request with 200; BYE and
 * CANCEL match no dialog or transaction (481, RFC 3261 §15.1.2, §9.2); responses match no
 * client transaction and are dropped (§18.1.2).
 */
const CONTROL_ANSWERS: Record<SeedKind, string> = {
  'INVITE': '100,200', 'REGISTER': '200', 'OPTIONS': '200', 'MESSAGE': '200', 'BYE': '481', 'CANCEL': '481',
  '180-INVITE': '', '200-INVITE': '', '486-INVITE': '', '200-BYE': '',
};

function wrongControlAnswers(controls: Control[], heard: (callId: string) => number[]): string[] {
  return controls
    .map((c) => ({ c, got: heard(c.callId).join(',') }))
    .filter(({ c, got }) => got !== CONTROL_ANSWERS[c.kind])
    .map(({ c, got }) => `${c.kind} ${c.callId}: expected [${CONTROL_ANSWERS[c.kind]}], heard [${got}]`);
}

describe('engine under wire fuzzing (integration)', function () {
  this.timeout(60_000);
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  async function engineUnderTest(edge?: unknown): Promise<EngineUnderTest> {
    const t = await startEngineUnderTest(edge);
    cleanups.push(() => t.stop());
    return t;
  }

  it('survives 10,000 mutated messages (7,000 UDP, 3,000 TCP) and still completes a call', async () => {
    const seed = fuzzSeed();
    console.log(`      engine fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const watch = new CrashWatch();
    watch.install();
    cleanups.push(() => watch.remove());
    const t = await engineUnderTest();
    await awaitAppReady(t.udpPort);
    const fuzzer = new WireFuzzer(t, {
      seed, udpMessages: UDP_MESSAGES, tcpLanes: TCP_LANES, tcpMessagesPerLane: TCP_MESSAGES_PER_LANE,
      maxMessageSize: MAX_MESSAGE_SIZE, budgetMs: FUZZ_BUDGET_MS,
    });
    cleanups.push(() => fuzzer.close());
    const r = await fuzzer.run();
    await sleep(500); // answers from srf still in flight

    const ts = transportStats(t.engine);
    const { stats } = t.engine;
    const edge = t.engine.edgeCounters();
    const udp = fuzzer.udpPeer as UdpSipPeer;
    const wrong = wrongControlAnswers(r.controls, (callId) => fuzzer.udpTally.statusesFor(callId));
    console.log(`      ${r.udpSent} mutants over UDP in ${r.udpMs} ms (${udp.sent} datagrams with ACKs, ${(udp.bytesSent / 1e6).toFixed(1)} MB; engine read ${ts.datagramsIn}), ${r.tcpSent} over TCP in ${r.tcpMs} ms`);
    console.log(`      UDP responses by status: ${fuzzer.udpTally.histogram()}; ACKs sent ${fuzzer.udpTally.acksSent}; requests from the engine ${JSON.stringify(Object.fromEntries(fuzzer.udpTally.requestsByMethod))}`);
    console.log(`      TCP: ${r.tcpConnections} connections (${r.tcpResent} mutants resent on a new one); responses by status: ${fuzzer.tcpTally.histogram()}`);
    console.log(`      engine ${JSON.stringify(stats)}; transport framingErrors ${ts.framingErrors} handlerErrors ${ts.handlerErrors}; srf saw ${JSON.stringify(Object.fromEntries(t.app.seen))}`);
    console.log(`      ${r.controls.length} unmutated controls over UDP, ${wrong.length} answered wrongly`);

    assert.equal(r.udpSent + r.tcpSent, UDP_MESSAGES + TCP_LANES * TCP_MESSAGES_PER_LANE,
      `the fuzz budget of ${FUZZ_BUDGET_MS} ms ran out (seed ${seed}): the engine (or this machine) is far slower than expected`);
    assert.deepEqual(watch.crashes, [], `uncaught exception(s) during fuzzing (seed ${seed}); last inputs:\n${fuzzer.recent()}`);
    assert.equal(ts.handlerErrors, 0, `Engine.onMessage threw ${ts.handlerErrors} time(s), swallowed by the transport (seed ${seed})`);
    assert.ok(ts.datagramsIn >= 0.95 * udp.sent, `pacing failed: the engine read ${ts.datagramsIn} of ${udp.sent} datagrams`);
    assert.ok(stats.parseErrors + stats.badRequests > 0, 'parse errors and bad requests were counted');
    assert.ok(fuzzer.udpTally.count(400) >= 1, `the fuzzing UDP socket received 400s (got ${fuzzer.udpTally.histogram()})`);
    assert.ok(ts.framingErrors > 0 && r.tcpConnections > TCP_LANES, 'TCP framing errors closed connections');
    assert.ok((t.app.seen.get('INVITE') ?? 0) > 0, 'some INVITEs reached the srf app');
    const invalid = fuzzer.udpTally.invalidCount + fuzzer.tcpTally.invalidCount;
    assert.equal(invalid, 0, `the engine sent messages its own parser rejects (seed ${seed}):\n${[...fuzzer.udpTally.invalid, ...fuzzer.tcpTally.invalid].join('\n')}`);
    assert.ok(r.controls.length > 0, 'some mutants were left valid');
    assert.deepEqual(wrong, [], `valid messages amid the fuzz got wrong answers (seed ${seed})`);
    // Loopback is exempt from rate limiting by default: the fuzzer must not have been limited.
    assert.equal(edge.rateLimited, 0, 'loopback was rate limited');
    assert.equal(edge.bansStarted, 0, 'loopback was banned');

    // Still up and still useful: a whole call from sipp (INVITE, 200, ACK, BYE, 200).
    const sipp = await startSipp({ scenario: 'uac', target: `127.0.0.1:${t.udpPort}`, transport: 'udp', calls: 1, timeoutS: 15 });
    cleanups.push(() => sipp.kill());
    const run = await sipp.done;
    assert.equal(run.code, 0, `sipp uac after fuzzing exited ${String(run.code)}:\n${run.output.slice(-3000)}`);
    assert.deepEqual(watch.crashes, [], 'uncaught exception(s) after fuzzing');
  });

  it('closes a TCP connection on an unrecoverable framing error, and frames a byte-by-byte OPTIONS', async () => {
    const t = await engineUnderTest();
    await awaitAppReady(t.udpPort);
    const parseErrorsBefore = t.engine.stats.parseErrors;

    const bad = await RawTcpPeer.open(t.tcpPort);
    cleanups.push(() => bad.destroy());
    const negative = plainOptions({ transport: 'TCP', localPort: bad.localPort, enginePort: t.tcpPort, callId: 'neg-cl' })
      .toString('latin1').replace('Content-Length: 0', 'Content-Length: -5');
    await bad.write(Buffer.from(negative, 'latin1'));
    await until(() => bad.isClosed, 2000, 'the engine to close the connection after Content-Length: -5');
    assert.equal(bad.closedByRemote, true);
    assert.equal(bad.messages.length, 0, 'nothing is answered on a stream that lost its framing');
    assert.equal(t.engine.stats.parseErrors, parseErrorsBefore + 1);

    const slow = await RawTcpPeer.open(t.tcpPort);
    cleanups.push(() => slow.destroy());
    const options = plainOptions({ transport: 'TCP', localPort: slow.localPort, enginePort: t.tcpPort, callId: 'byte-by-byte' });
    for (const byte of options) {
      await slow.write(Buffer.from([byte]));
      await tick();
    }
    await until(() => slow.messages.length > 0, 3000, 'a response to the byte-by-byte OPTIONS');
    await sleep(100);
    assert.equal(slow.messages.length, 1);
    assert.match(slow.messages[0]?.toString('latin1') ?? '', /^SIP\/2\.0 200 [^\r]*\r\n(?:[^\r]*\r\n)*Call-ID: byte-by-byte\r\n/i);
    assert.equal(slow.isClosed, false, 'the connection stays open');
  });

  it('rejects scanners (403 over UDP, close over TCP) and bans a flooding source', async () => {
    const t = await engineUnderTest();
    await awaitAppReady(t.udpPort);

    const udp = await UdpSipPeer.open();
    cleanups.push(() => udp.close());
    const scan = (transport: 'UDP' | 'TCP', localPort: number, enginePort: number): Buffer =>
      plainOptions({ transport, localPort, enginePort, callId: `scan-${transport}`, userAgent: 'friendly-scanner' });
    await udp.send(scan('UDP', udp.port, t.udpPort), t.udpPort);
    await until(() => udp.tally.responses > 0, 2000, 'an answer to the UDP scanner');
    assert.equal(udp.tally.histogram(), '403×1');

    const tcp = await RawTcpPeer.open(t.tcpPort);
    cleanups.push(() => tcp.destroy());
    await tcp.write(scan('TCP', tcp.localPort, t.tcpPort));
    await until(() => tcp.isClosed, 2000, 'the engine to close the scanner connection');
    assert.equal(tcp.closedByRemote, true);
    assert.equal(tcp.messages.length, 0, 'a TCP scanner gets no response');
    assert.equal(t.app.seen.get('OPTIONS') ?? 0, 1, 'only the readiness probe reached the app');
    const counters = t.engine.edgeCounters();
    assert.equal(counters.scannerRejected, 1);
    assert.equal(counters.scannerDropped, 1);

    // Rate limiting with no exemption (5/s, burst 5). The readiness probe comes from the same
    // address, 127.0.0.1: it spends at most a token per 250 ms, and 1.2 s refills the bucket.
    const limited = await engineUnderTest({ rateLimit: { exempt: [], requestsPerSecond: 5, burst: 5, banSeconds: 2 } });
    await awaitAppReady(limited.udpPort, { intervalMs: 250 });
    assert.equal(limited.engine.edgeCounters().rateLimited, 0, 'the readiness probe was not limited');
    await sleep(1200);
    const flooder = await UdpSipPeer.open();
    cleanups.push(() => flooder.close());
    await Promise.all(Array.from({ length: 50 }, (_, i) =>
      flooder.send(plainOptions({ transport: 'UDP', localPort: flooder.port, enginePort: limited.udpPort, callId: `flood-${i}` }), limited.udpPort)));
    await sleep(500);
    const answered = flooder.tally.responses;
    const lc = limited.engine.edgeCounters();
    console.log(`      flood of 50 OPTIONS: answers ${flooder.tally.histogram()}; edge ${JSON.stringify(lc)}`);
    assert.ok(answered >= 1 && answered <= 6, `at most ~burst (5) answers, got ${answered}`);
    assert.equal(lc.bansStarted, 1);
    assert.equal(lc.rateLimited, 50 - answered, 'every request not answered was dropped by the limiter');
  });
});
