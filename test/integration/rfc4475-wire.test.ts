/**
 * The 49 RFC 4475 torture messages sent over the network to a running Engine with a real
 * drachtio-srf app, one `it` per file, asserting what comes back on the wire (table in
 * rfc4475-wire-expectations.ts; the parser-level table is test/unit/sip/rfc4475.test.ts).
 * The corpus is read in place from ../shared/corpora/rfc4475, never copied here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src/sip/index.js';
import { CrashWatch } from '../helpers/crash-watch.js';
import { awaitAppReady, startEngineUnderTest, transportStats, type EngineUnderTest } from '../helpers/engine-under-test.js';
import { RawTcpPeer } from '../helpers/raw-tcp-peer.js';
import { sleep, until } from '../helpers/until.js';
import { startRecordingApp, type RecordingApp } from './rfc4475-wire-app.js';
import { outcomeTitle, WIRE_EXPECTED, type Absorbed, type Refused, type ToApp, type Unframable } from './rfc4475-wire-expectations.js';
import {
  ackForNon2xx, callIdOf, corpusCallId, hear, header, statusOf, statuses, summary, topViaPort, ViaPortUdpPeer, type Heard,
} from './rfc4475-wire-peer.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = path.resolve(REPO_ROOT, '../shared/corpora/rfc4475');
/** How long to keep listening after the expected answer, for anything that should not come. */
const SETTLE_MS = 150;
/** Generous: other load may share the machine, and only a failing test waits this long. */
const ANSWER_TIMEOUT_MS = 3000;

interface ManifestRow {
  file: string;
  section: string;
  sha256: string;
}

function readManifest(): ManifestRow[] {
  const lines = readFileSync(path.join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n').filter((l) => l.length > 0);
  const head = (lines[0] ?? '').split('\t');
  const col = (name: string): number => head.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return { file: f[col('file')] ?? '', section: f[col('rfc_section')] ?? '', sha256: f[col('sha256')] ?? '' };
  });
}

/** The engine under test with the recording app as its only app. */
interface WireBed {
  t: EngineUnderTest;
  app: RecordingApp;
  stop(): Promise<void>;
}

async function startWireBed(): Promise<WireBed> {
  const t = await startEngineUnderTest();
  let app: RecordingApp | undefined;
  try {
    app = await startRecordingApp(t.engine.wireAddress());
    // The answering app would be offered every other request (routes are round-robined).
    t.app.stop();
    await until(() => t.engine.metrics().wire.apps === 1, 3000, 'the answering app to leave');
    await awaitAppReady(t.udpPort);
  } catch (err) {
    app?.stop();
    await t.engine.close();
    throw err;
  }
  const recorder = app;
  // Not t.stop(): it would disconnect the answering app a second time, which srf asserts against.
  return { t, app: recorder, stop: async () => { recorder.stop(); await t.engine.close(); } };
}

/** Counters read before a file is sent, to assert on what that file alone changed. */
function mark(bed: WireBed) {
  const ts = transportStats(bed.t.engine);
  return { seen: bed.app.seen.length, failures: bed.app.failures.length, stats: { ...bed.t.engine.stats }, ts };
}
type Mark = ReturnType<typeof mark>;

const isFinal = (h: Heard): boolean => (statusOf(h) ?? 0) >= 200;

describe('RFC 4475 torture messages against the running engine (integration)', function () {
  this.timeout(20_000);
  if (!existsSync(path.join(CORPUS, 'MANIFEST.tsv'))) {
    it('needs the corpus in ../shared/corpora/rfc4475', function () {
      console.warn(`\n  !!! RFC 4475 corpus not found at ${CORPUS}: the 49 wire torture tests DID NOT RUN !!!\n`);
      this.skip();
    });
    return;
  }
  const rows = readManifest();
  const watch = new CrashWatch();
  const cleanups: Array<() => Promise<unknown> | void> = [];
  let bed: WireBed | undefined;
  const theBed = (): WireBed => {
    assert.ok(bed, 'the engine under test started');
    return bed;
  };

  before(async () => {
    watch.install();
    bed = await startWireBed();
  });
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  after(async () => {
    watch.remove();
    await bed?.stop();
  });

  /** Writes `buf` on a new connection; resolves once `done` holds, the engine closes it, or time runs out. */
  async function overTcp(port: number, buf: Buffer, done: (heard: Heard[]) => boolean) {
    const peer = await RawTcpPeer.open(port);
    cleanups.push(() => peer.destroy());
    const heard = (): Heard[] => peer.messages.map(hear);
    await peer.write(buf);
    await until(() => peer.isClosed || done(heard()), ANSWER_TIMEOUT_MS, 'an answer').catch(() => undefined);
    await sleep(SETTLE_MS);
    return { peer, heard: heard() };
  }

  async function udpPeerFor(file: string, viaPort: number | undefined): Promise<ViaPortUdpPeer> {
    const peer = await ViaPortUdpPeer.open(viaPort);
    cleanups.push(() => peer.close());
    if (peer.rewritesVia) console.warn(`      127.0.0.1:${viaPort} is busy: the top Via of ${file} is rewritten to port ${peer.port}`);
    return peer;
  }

  function assertAppSawNothing(b: WireBed, m: Mark): void {
    const seen = b.app.seen.slice(m.seen).map((s) => `${s.method} ${s.uri}`);
    assert.deepEqual(seen, [], 'the app must never see this message');
  }

  async function checkRefused(b: WireBed, m: Mark, buf: Buffer, want: Refused): Promise<void> {
    const { heard } = await overTcp(b.t.tcpPort, buf, (h) => h.length > 0);
    assert.deepEqual(statuses(heard), [want.status], `heard: ${summary(heard)}`);
    assert.equal(heard.length, 1, `exactly one response expected, heard: ${summary(heard)}`);
    assertAppSawNothing(b, m);
    want.verify?.(heard[0] as Heard);
  }

  async function sendToApp(b: WireBed, file: string, buf: Buffer, want: ToApp, callId: string | undefined): Promise<Heard[]> {
    const ackNon2xx = async (heard: Heard[], send: (ack: Buffer) => Promise<unknown>): Promise<void> => {
      const final = heard.find(isFinal);
      const ack = want.method === 'INVITE' && final ? ackForNon2xx(buf, final) : undefined;
      if (ack) await send(ack);
    };
    if (want.over === 'tcp') {
      const { peer, heard } = await overTcp(b.t.tcpPort, buf, (h) => h.some(isFinal));
      await ackNon2xx(heard, (ack) => peer.write(ack));
      return heard;
    }
    const peer = await udpPeerFor(file, topViaPort(buf));
    await peer.sendCorpus(buf, b.t.udpPort);
    await until(() => peer.heardFor(callId).some(isFinal), ANSWER_TIMEOUT_MS, 'a final response').catch(() => undefined);
    await sleep(SETTLE_MS);
    const heard = peer.heardFor(callId);
    await ackNon2xx(heard, (ack) => peer.send(ack, b.t.udpPort));
    // Anything else answering a Call-ID from these bytes (dblreq's trailing INVITE) is a failure;
    // strays from other processes on the shared port 5060 are not ours to judge.
    const ours = peer.heard.filter((h) => { const id = callIdOf(h); return id !== undefined && buf.includes(id); });
    assert.equal(ours.length, heard.length, `nothing else may come back over UDP, heard: ${summary(peer.heard)}`);
    return heard;
  }

  async function checkToApp(b: WireBed, m: Mark, file: string, buf: Buffer, want: ToApp): Promise<void> {
    const callId = corpusCallId(buf);
    if (want.answer && callId !== undefined) b.app.answerWith(callId, want.answer);
    const heard = await sendToApp(b, file, buf, want, callId);
    const seen = b.app.seen.slice(m.seen);
    assert.deepEqual(seen.map((s) => `${s.method} ${s.uri}`), [`${want.method} ${want.uri}`], 'what the app saw (method and Request-URI)');
    const s = seen[0];
    assert.ok(s);
    for (const [name, value] of Object.entries(want.headers ?? {})) assert.equal(s.header(name), value, `${name} as the app saw it`);
    assert.deepEqual(statuses(heard), want.heard, `statuses heard: ${summary(heard)}`);
    const final = heard.find(isFinal);
    assert.ok(final?.message, 'a final response');
    assert.equal(statusOf(final), want.answer?.status ?? 200, 'the app\'s answer is relayed');
    for (const [name, value] of Object.entries(want.answer?.headers ?? {})) {
      assert.equal(header(final.message, name), value, `${name} of the app's ${want.answer?.status ?? 200} relayed unchanged`);
    }
    want.verify?.({ seen: s, heard, final });
  }

  async function checkAbsorbed(b: WireBed, m: Mark, buf: Buffer, want: Absorbed): Promise<void> {
    const peer = await ViaPortUdpPeer.open(undefined);
    cleanups.push(() => peer.close());
    await peer.send(buf, b.t.udpPort);
    const s = b.t.engine.stats;
    await until(() => s.responsesIn + s.parseErrors > m.stats.responsesIn + m.stats.parseErrors, ANSWER_TIMEOUT_MS, 'the engine to read the response');
    await sleep(2 * SETTLE_MS);
    const ts = transportStats(b.t.engine);
    assert.equal(s.responsesIn - m.stats.responsesIn, want.parses ? 1 : 0, 'responses read');
    assert.equal(s.parseErrors - m.stats.parseErrors, want.parses ? 0 : 1, 'parse errors');
    assert.equal(summary(peer.heard), '(nothing)', 'nothing comes back to the sender');
    assert.deepEqual([ts.datagramsOut, ts.framesOut, ts.sendErrors], [m.ts.datagramsOut, m.ts.framesOut, m.ts.sendErrors],
      'the engine sends nothing at all (datagrams, frames, failed sends): no relay anywhere, 255.255.255.255 included');
    assertAppSawNothing(b, m);
  }

  async function checkUnframableUdp(b: WireBed, m: Mark, file: string, buf: Buffer, want: Unframable): Promise<void> {
    const callId = corpusCallId(buf);
    const peer = await udpPeerFor(file, topViaPort(buf));
    await peer.sendCorpus(buf, b.t.udpPort);
    await until(() => peer.heardFor(callId).length > 0, ANSWER_TIMEOUT_MS, 'an answer').catch(() => undefined);
    await sleep(SETTLE_MS);
    assert.deepEqual(statuses(peer.heardFor(callId)), [want.udpStatus], `UDP: heard ${summary(peer.heard)}`);
    assert.equal(peer.heard.length, 1, `UDP: exactly one response expected, heard: ${summary(peer.heard)}`);
    assertAppSawNothing(b, m);
  }

  async function checkUnframableTcp(b: WireBed, m: Mark, buf: Buffer, want: Unframable): Promise<void> {
    if (want.tcp === 'closed') {
      const { peer, heard } = await overTcp(b.t.tcpPort, buf, () => false);
      assert.equal(peer.closedByRemote, true, 'TCP: the engine closes the connection');
      assert.equal(summary(heard), '(nothing)', 'TCP: nothing is answered on a stream that lost its framing');
      assert.equal(transportStats(b.t.engine).framingErrors - m.ts.framingErrors, 1, 'TCP: one framing error');
      assertAppSawNothing(b, m);
      return;
    }
    // Content-Length promises more than was sent: a stream can only wait (RFC 4475 §3.1.2.2). An engine
    // with a short idle timeout shows the wait ending in a close without waiting out the default 60 s.
    const idleMs = 800;
    const engine = await Engine.start({
      sip: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }], wire: { address: '127.0.0.1', port: 0 }, tcpIdleTimeoutMs: idleMs,
    });
    cleanups.push(() => engine.close());
    const port = engine.sipListeners().find((l) => l.protocol === 'tcp')?.port ?? 0;
    const peer = await RawTcpPeer.open(port);
    cleanups.push(() => peer.destroy());
    await peer.write(buf);
    await sleep(idleMs / 2);
    assert.equal(peer.isClosed, false, 'TCP: the engine waits for the rest of the body');
    await until(() => peer.isClosed, idleMs * 4, 'the engine to close the idle connection').catch(() => undefined);
    assert.equal(peer.closedByRemote, true, `TCP: the engine closes the connection once no more data comes (idle ${idleMs} ms)`);
    assert.equal(summary(peer.messages.map(hear)), '(nothing)', 'TCP: nothing is answered');
    assert.equal(transportStats(engine).reaped, 1, 'TCP: closed as idle');
  }

  it('has a wire expectation for each of the 49 manifest files, and no other', () => {
    assert.equal(rows.length, 49);
    assert.deepEqual(rows.map((r) => r.file).sort(), Object.keys(WIRE_EXPECTED).sort());
  });

  for (const row of rows) {
    const want = WIRE_EXPECTED[row.file];
    it(`${row.file} (§${row.section}) ${want ? outcomeTitle(want) : 'HAS NO EXPECTATION'}`, async () => {
      assert.ok(want, `no row for ${row.file} in rfc4475-wire-expectations.ts`);
      const buf = readFileSync(path.join(CORPUS, row.file));
      assert.equal(createHash('sha256').update(buf).digest('hex'), row.sha256, 'corpus file hash');
      const b = theBed();
      const m = mark(b);
      const crashes = watch.crashes.length;
      switch (want.type) {
        case 'Refused':
          await checkRefused(b, m, buf, want);
          break;
        case 'ToApp':
          await checkToApp(b, m, row.file, buf, want);
          break;
        case 'Absorbed':
          await checkAbsorbed(b, m, buf, want);
          break;
        case 'Unframable':
          await checkUnframableUdp(b, m, row.file, buf, want);
          await checkUnframableTcp(b, mark(b), buf, want);
          break;
      }
      assert.deepEqual(watch.crashes.slice(crashes), [], 'no uncaught exception');
      assert.equal(b.t.engine.stats.internalErrors - m.stats.internalErrors, 0, 'no error inside the engine');
      assert.equal(transportStats(b.t.engine).handlerErrors - m.ts.handlerErrors, 0, 'no handler error in the transport');
      assert.deepEqual(b.app.failures.slice(m.failures), [], 'the srf app had no failures');
    });
  }
});
