import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { systemClock, type Clock } from '../../../../src/shared/index.js';
import { TransportLayer, type LocalEndpoint, type TransportLayerOptions } from '../../../../src/sip/transport/index.js';
import { eventually, FakeClock, Recorder, requireIPv6, sipRequest } from './transport-test-kit.js';

/** The bytes a test-side socket has received so far. */
function collect(socket: Socket): { data: () => Buffer; closed: Promise<void> } {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  return { data: () => Buffer.concat(chunks), closed: once(socket, 'close').then(() => undefined) };
}

describe('TransportLayer over TCP', () => {
  let layer: TransportLayer | undefined;
  const sockets: Socket[] = [];
  const servers: Server[] = [];

  afterEach(async () => {
    await layer?.close();
    layer = undefined;
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function start(address: string, options: Partial<TransportLayerOptions> = {}, clock: Clock = systemClock): Promise<{ rec: Recorder; local: LocalEndpoint }> {
    const rec = new Recorder();
    layer = new TransportLayer({ listen: [{ protocol: 'tcp', address, port: 0 }], clock, ...options }, rec);
    await layer.start();
    return { rec, local: layer.boundListeners()[0]! };
  }

  async function dial(to: LocalEndpoint, options: { allowHalfOpen?: boolean } = {}): Promise<Socket> {
    const socket = connect({ host: to.address, port: to.port, allowHalfOpen: options.allowHalfOpen ?? false });
    sockets.push(socket);
    await once(socket, 'connect');
    return socket;
  }

  /** A plain TCP server standing for a SIP peer. */
  async function peerServer(address: string): Promise<{ port: number; accepted: Promise<Socket> }> {
    const server = createServer();
    servers.push(server);
    const accepted = once(server, 'connection').then(([s]) => {
      sockets.push(s as Socket);
      return s as Socket;
    });
    server.listen(0, address);
    await once(server, 'listening');
    return { port: (server.address() as { port: number }).port, accepted };
  }

  for (const address of ['127.0.0.1', '::1']) {
    it(`frames messages from an inbound connection and answers over it on ${address}`, async function () {
      if (address === '::1') await requireIPv6(this);
      const { rec, local } = await start(address);
      const peer = await dial(local);
      const seen = collect(peer);
      const a = sipRequest('tcp-a', 'v=0\r\n\r\nbody');
      const b = sipRequest('tcp-b');
      const both = Buffer.concat([a, b]);
      peer.write(both.subarray(0, 50));
      peer.write(both.subarray(50));
      await rec.until(() => rec.messages.length === 2, 'two messages');
      assert.deepEqual(rec.messages.map((m) => m.buf), [a, b]);
      const src = rec.messages[0]!.src;
      assert.equal(src.protocol, 'tcp');
      assert.equal(src.remoteAddress, address);
      assert.equal(src.remotePort, peer.localPort);
      assert.equal(src.localPort, local.port);
      assert.ok(src.connectionId);
      assert.equal(rec.messages[1]!.src.connectionId, src.connectionId);

      const reply = Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
      const result = await layer!.send({ protocol: 'tcp', address, port: src.remotePort, connectionId: src.connectionId }, reply);
      assert.deepEqual(result, { ok: true, local: { protocol: 'tcp', address, port: local.port }, connectionId: src.connectionId });
      await eventually(() => seen.data().equals(reply), 'the reply at the peer');
      const stats = layer!.stats();
      assert.equal(stats.framesIn, 2);
      assert.equal(stats.connectionsAccepted, 1);
      assert.equal(stats.connectionsOpen, 1);
    });
  }

  it('reuses a connection the peer opened, found by address:port, for a new request (RFC 5923 spirit)', async () => {
    const { rec, local } = await start('127.0.0.1');
    const peer = await dial(local);
    const seen = collect(peer);
    peer.write(sipRequest('register'));
    await rec.until(() => rec.messages.length === 1, 'the request');
    const request = sipRequest('from-us');
    // No connectionId: only the address and port the peer connected from.
    const result = await layer!.send({ protocol: 'tcp', address: '127.0.0.1', port: peer.localPort! }, request);
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.connectionId, rec.messages[0]!.src.connectionId);
    await eventually(() => seen.data().equals(request), 'the request over the same connection');
    assert.equal(layer!.stats().connectionsOpened, 0);
  });

  it('matches an inbound IPv6 connection whatever the spelling of the destination address', async function () {
    await requireIPv6(this);
    const { rec, local } = await start('::1');
    const peer = await dial(local);
    const seen = collect(peer);
    peer.write(sipRequest('v6'));
    await rec.until(() => rec.messages.length === 1, 'the request');
    const result = await layer!.send({ protocol: 'tcp', address: '[0:0:0:0:0:0:0:1]', port: peer.localPort! }, Buffer.from('v6!'));
    assert.equal(result.ok && result.connectionId, rec.messages[0]!.src.connectionId);
    await eventually(() => seen.data().toString() === 'v6!', 'the data over the inbound connection');
    assert.equal(layer!.stats().connectionsOpened, 0);
  });

  it('falls back to address:port when the named connection is gone', async () => {
    const { rec, local } = await start('127.0.0.1');
    const peer = await dial(local);
    const seen = collect(peer);
    peer.write(sipRequest('x'));
    await rec.until(() => rec.messages.length === 1, 'the request');
    const result = await layer!.send({ protocol: 'tcp', address: '127.0.0.1', port: peer.localPort!, connectionId: 'tcp-999' }, Buffer.from('hi'));
    assert.equal(result.ok, true);
    await eventually(() => seen.data().toString() === 'hi', 'the data');
  });

  it('opens a new outbound connection when none exists, frames its input, and reuses it', async () => {
    const { rec } = await start('127.0.0.1');
    const server = await peerServer('127.0.0.1');
    const first = await layer!.send({ protocol: 'tcp', address: '127.0.0.1', port: server.port }, sipRequest('out-1'));
    assert.equal(first.ok, true);
    const socket = await server.accepted;
    const seen = collect(socket);
    const second = await layer!.send({ protocol: 'tcp', address: '127.0.0.1', port: server.port }, sipRequest('out-2'));
    assert.ok(first.ok && second.ok);
    assert.equal(second.connectionId, first.connectionId, 'second send reuses the connection');
    assert.equal(first.local.port, socket.remotePort);
    await eventually(() => seen.data().length === sipRequest('out-1').length + sipRequest('out-2').length, 'both requests');
    assert.deepEqual(seen.data(), Buffer.concat([sipRequest('out-1'), sipRequest('out-2')]));

    const response = Buffer.from('SIP/2.0 200 OK\r\nl: 0\r\n\r\n');
    socket.write(response);
    await rec.until(() => rec.messages.length === 1, 'the response');
    assert.deepEqual(rec.messages[0]!.buf, response);
    assert.equal(rec.messages[0]!.src.connectionId, first.connectionId);
    assert.equal(rec.messages[0]!.src.remotePort, server.port);
    assert.equal(layer!.stats().connectionsOpened, 1);
  });

  it('reports a refused connection as an error value', async () => {
    await start('127.0.0.1');
    const server = await peerServer('127.0.0.1');
    const closedPort = server.port;
    await new Promise((r) => servers.pop()!.close(r));
    const result = await layer!.send({ protocol: 'tcp', address: '127.0.0.1', port: closedPort }, sipRequest('x'));
    assert.deepEqual(result, { ok: false, error: 'ECONNREFUSED' });
    await eventually(() => layer!.stats().connectionsOpen === 0, 'the failed connection to be forgotten');
  });

  it('answers a CRLFCRLF ping with a CRLF pong (RFC 5626 §3.5.1)', async () => {
    const { rec, local } = await start('127.0.0.1');
    const peer = await dial(local);
    const seen = collect(peer);
    peer.write('\r\n\r\n');
    await eventually(() => seen.data().toString() === '\r\n', 'the pong');
    peer.write(sipRequest('after'));
    await rec.until(() => rec.messages.length === 1, 'the request');
    assert.equal(layer!.stats().keepAlivesIn, 1);
  });

  it('closes a connection whose stream cannot be framed, after reporting it', async () => {
    const { rec, local } = await start('127.0.0.1');
    const peer = await dial(local);
    const seen = collect(peer);
    const peerPort = peer.localPort;
    peer.write('OPTIONS sip:x SIP/2.0\r\nCall-ID: 1\r\n\r\n');
    await seen.closed;
    assert.equal(rec.framingErrors.length, 1);
    assert.equal(rec.framingErrors[0]!.code, 'content-length-missing');
    assert.equal(rec.framingErrors[0]!.src.remotePort, peerPort);
    await eventually(() => layer!.stats().connectionsOpen === 0, 'the connection to be gone');
  });

  it('reaps an idle connection after tcpIdleTimeoutMs; traffic postpones it (fake clock)', async () => {
    const clock = new FakeClock();
    const { rec, local } = await start('127.0.0.1', { tcpIdleTimeoutMs: 1000 }, clock);
    const peer = await dial(local);
    const seen = collect(peer);
    await eventually(() => layer!.stats().connectionsOpen === 1, 'the accept');
    clock.advance(900);
    peer.write(sipRequest('keep'));
    await rec.until(() => rec.messages.length === 1, 'traffic');
    clock.advance(900); // 1800 in all, 900 since traffic
    assert.equal(layer!.stats().reaped, 0);
    const sent = await layer!.send({ protocol: 'tcp', address: '127.0.0.1', port: peer.localPort! }, Buffer.from('x'));
    assert.equal(sent.ok, true);
    clock.advance(900); // 900 since our send
    assert.equal(layer!.stats().reaped, 0);
    clock.advance(100);
    assert.equal(layer!.stats().reaped, 1);
    await seen.closed;
    await eventually(() => layer!.stats().connectionsOpen === 0, 'the reaped connection to be gone');
    assert.equal(clock.pendingTimers, 0, 'no timer left behind');
  });

  it('reaps an idle connection with the system clock and a short timeout', async () => {
    await start('127.0.0.1', { tcpIdleTimeoutMs: 60 });
    const peer = await dial(await Promise.resolve(layer!.boundListeners()[0]!));
    const seen = collect(peer);
    await seen.closed;
    assert.equal(layer!.stats().reaped, 1);
  });

  it('fails a connect that takes longer than tcpConnectTimeoutMs', async () => {
    const clock = new FakeClock();
    await start('127.0.0.1', { tcpConnectTimeoutMs: 500 }, clock);
    const server = await peerServer('127.0.0.1');
    const pending = layer!.send({ protocol: 'tcp', address: '127.0.0.1', port: server.port }, sipRequest('x'));
    // The connect is still in progress until the event loop turns: time runs out first.
    clock.advance(500);
    assert.deepEqual(await pending, { ok: false, error: 'tcp-connect-timeout' });
    await eventually(() => layer!.stats().connectionsOpen === 0, 'the connection to be gone');
  });

});
