/**
 * The embedded engine on a worker thread (src/engine-thread.ts, `linegate run`'s default):
 * it listens on the ports it reports, an unmodified drachtio-srf app connects to its wire
 * address and answers requests a UDP client sends to its SIP port, its metrics reach this
 * thread, a bind failure rejects the start with the reason, and close() ends the thread.
 * Also srf-write-batching.ts on a real srf connection: the socket is patched, and requests
 * answered in one turn leave in one write.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/engine-thread.test.ts
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import Srf from 'drachtio-srf';
import { parseEngineFlags } from '../../src/config/index.js';
import { startEngineThread, type EngineHandle } from '../../src/engine-thread.js';
import { batchSrfWrites, batchWrites } from '../../src/srf-write-batching.js';
import { startAnsweringApp, type AnsweringApp } from '../helpers/answering-srf-app.js';
import { UdpSipClient } from '../helpers/udp-sip-client.js';
import { until } from '../helpers/until.js';

const SECRET = 'thread-secret';

function flags(contact = 'sip:127.0.0.1:0;transport=udp,tcp'): ReturnType<typeof parseEngineFlags> & { ok: true } {
  const r = parseEngineFlags(['--contact', contact, '--address', '127.0.0.1', '--port', '0', '--secret', SECRET, '--loglevel', 'silent']);
  assert.ok(r.ok);
  return r;
}

function options(port: number, callId: string): string {
  return [
    'OPTIONS sip:ping@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-${callId};rport`, 'Max-Forwards: 70',
    `From: <sip:t@127.0.0.1>;tag=${callId}`, 'To: <sip:ping@127.0.0.1>', `Call-ID: ${callId}`, 'CSeq: 1 OPTIONS',
    'Content-Length: 0', '', '',
  ].join('\r\n');
}

describe('the engine on a worker thread (engine-thread.ts)', function () {
  this.timeout(20_000);
  let engine: EngineHandle | undefined;
  let app: AnsweringApp | undefined;
  let client: UdpSipClient | undefined;
  const crashes: Error[] = [];
  afterEach(async () => {
    app?.stop();
    app = undefined;
    await client?.close();
    client = undefined;
    await engine?.close();
    engine = undefined;
    assert.deepEqual(crashes.map((e) => e.message), [], 'the engine thread never crashed');
  });

  it('listens where it says, serves an srf app over the wire, reports metrics, and closes', async () => {
    engine = await startEngineThread({ flags: flags().flags, onCrash: (e) => crashes.push(e), metricsIntervalMs: 50 });
    const udp = engine.sipListeners().find((l) => l.protocol === 'udp');
    const tcp = engine.sipListeners().find((l) => l.protocol === 'tcp');
    assert.ok(udp && udp.port > 0 && tcp && tcp.port > 0, 'UDP and TCP listeners on real ports');
    assert.ok(engine.wireAddress().port > 0);
    assert.equal(engine.metrics().requestsIn, 0);

    client = await UdpSipClient.open();
    const before = await client.request(options(client.port, 'no-app'), udp.port);
    assert.equal(before.status, 503, 'no app connected yet: the engine answers 503 itself');

    app = await startAnsweringApp(engine.wireAddress(), SECRET);
    const reply = await client.request(options(client.port, 'with-app'), udp.port);
    assert.equal(reply.status, 200);
    assert.equal(app.seen.get('OPTIONS'), 1, 'the request went through the wire protocol to srf');

    await until(() => engine?.metrics().requestsIn === 2 && engine.metrics().wire.apps === 1, 3000, 'metrics snapshot from the engine thread');
    assert.equal(engine.metrics().noApp503, 1);
    // The engine loop's lag comes with each report: an idle loop is far from the guard's 150 ms.
    const lag = engine.loopLag?.();
    assert.ok(lag && Number.isFinite(lag.meanMs) && lag.meanMs >= 0 && lag.meanMs < 100 && lag.maxMs >= lag.meanMs, JSON.stringify(lag));

    const closing = engine;
    engine = undefined;
    app.stop();
    app = undefined;
    await closing.close();
    // The thread is gone: its SIP port is free again.
    const again = await client.request(options(client.port, 'after-close'), udp.port, 300).then(() => 'answered', () => 'silent');
    assert.equal(again, 'silent');
  });

  it('rejects the start with the reason when a port is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    try {
      await assert.rejects(
        startEngineThread({ flags: flags(`sip:127.0.0.1:${taken};transport=tcp`).flags, onCrash: (e) => crashes.push(e) }),
        /EADDRINUSE|in use/i,
      );
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});

describe('srf write batching (srf-write-batching.ts)', function () {
  this.timeout(20_000);

  it('sends the writes of one turn in one chunk and keeps their order', async () => {
    const chunks: string[] = [];
    const server = createServer((s) => s.on('data', (b: Buffer) => chunks.push(b.toString('latin1'))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const socket: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    try {
      assert.equal(batchWrites(socket), true);
      assert.equal(batchWrites(socket), false, 'patching twice is a no-op');
      let callbacks = 0;
      for (let i = 0; i < 20; i++) socket.write(`m${i};`, () => callbacks++);
      await until(() => chunks.join('').length === 20 * 3 + 10, 2000, 'all bytes');
      await new Promise((r) => setTimeout(r, 50)); // nothing more may follow
      assert.equal(chunks.length, 1, `one write for the turn, got ${chunks.length} chunks`);
      assert.equal(chunks[0], Array.from({ length: 20 }, (_, i) => `m${i};`).join(''));
      await until(() => callbacks === 20, 2000, 'every write callback');
      // A later turn is a new batch.
      socket.write('next;');
      await until(() => chunks.length === 2, 2000, 'second turn');
      assert.equal(chunks[1], 'next;');
      // A Buffer in the middle of a turn flushes what was batched first: the byte order holds.
      const order: string[] = [];
      socket.write('a;', () => order.push('a'));
      socket.write(Buffer.from('b;'), () => order.push('b'));
      socket.write('c;', () => order.push('c'));
      await until(() => chunks.join('').endsWith('c;'), 2000, 'the mixed turn');
      assert.ok(chunks.join('').endsWith('next;a;b;c;'), chunks.join(''));
      await until(() => order.length === 3, 2000, 'callbacks of the mixed turn');
      assert.deepEqual(order, ['a', 'b', 'c']);
    } finally {
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('patches the socket of a connected drachtio-srf, which still works', async () => {
    const crashes: Error[] = [];
    const engine = await startEngineThread({ flags: flags().flags, onCrash: (e) => crashes.push(e) });
    const srf = new Srf();
    const client = await UdpSipClient.open();
    try {
      let seen = 0;
      (srf as unknown as { use(m: string, fn: (req: unknown, res: { send(s: number): void }) => void): void }).use('options', (_req, res) => {
        seen++;
        res.send(200);
      });
      const connected = new Promise<void>((resolve, reject) => srf.once('connect', (err: Error | null) => (err ? reject(err) : resolve())));
      (srf.connect as unknown as (o: object) => unknown).call(srf, { host: '127.0.0.1', port: engine.wireAddress().port, secret: SECRET, reconnect: { maxAttempts: 1 } });
      await connected;
      assert.equal(batchSrfWrites(srf), 1, 'srf\'s one connection is patched');
      assert.equal(batchSrfWrites(srf), 0, 'and only once');
      const udp = engine.sipListeners().find((l) => l.protocol === 'udp')?.port ?? 0;
      const replies = await Promise.all([0, 1, 2].map((i) => client.request(options(client.port, `batched-${i}`), udp)));
      assert.deepEqual(replies.map((r) => r.status), [200, 200, 200]);
      assert.equal(seen, 3);
      assert.equal(batchSrfWrites({}), 0, 'an object without srf internals: nothing patched');
    } finally {
      srf.disconnect();
      await client.close();
      await engine.close();
    }
    assert.deepEqual(crashes, []);
  });
});
