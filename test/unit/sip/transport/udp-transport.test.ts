import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { systemClock } from '../../../../src/shared/index.js';
import { TransportLayer, type LocalEndpoint } from '../../../../src/sip/transport/index.js';
import { Recorder, requireIPv6, sipRequest } from './transport-test-kit.js';

/** A UDP peer on loopback that records what it receives. */
class UdpPeer {
  readonly received: Array<{ msg: Buffer; rinfo: RemoteInfo }> = [];
  private constructor(readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => this.received.push({ msg, rinfo }));
  }

  static async open(address: string): Promise<UdpPeer> {
    const socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
    socket.bind(0, address);
    await once(socket, 'listening');
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: Buffer, to: LocalEndpoint): void {
    this.socket.send(data, to.port, to.address);
  }

  async next(): Promise<{ msg: Buffer; rinfo: RemoteInfo }> {
    while (this.received.length === 0) await once(this.socket, 'message');
    return this.received.shift() as { msg: Buffer; rinfo: RemoteInfo };
  }

  close(): void {
    this.socket.close();
  }
}

describe('TransportLayer over UDP', () => {
  let layer: TransportLayer | undefined;
  const peers: UdpPeer[] = [];

  afterEach(async () => {
    await layer?.close();
    layer = undefined;
    for (const p of peers.splice(0)) p.close();
  });

  async function start(listen: Array<{ address: string; port: number }>, maxMessageSize?: number): Promise<Recorder> {
    const rec = new Recorder();
    layer = new TransportLayer(
      { listen: listen.map((l) => ({ protocol: 'udp' as const, ...l })), clock: systemClock, maxMessageSize },
      rec,
    );
    await layer.start();
    return rec;
  }

  async function peer(address: string): Promise<UdpPeer> {
    const p = await UdpPeer.open(address);
    peers.push(p);
    return p;
  }

  for (const address of ['127.0.0.1', '::1']) {
    it(`receives a datagram and answers from the listening port on ${address}`, async function () {
      if (address === '::1') await requireIPv6(this);
      const rec = await start([{ address, port: 0 }]);
      const [local] = layer!.boundListeners();
      assert.ok(local && local.port > 0 && local.address === address && local.protocol === 'udp');
      const p = await peer(address);
      const request = sipRequest('udp-1');
      p.send(request, local);
      await rec.until(() => rec.messages.length === 1, 'the datagram');
      const { buf, src } = rec.messages[0]!;
      assert.deepEqual(buf, request);
      assert.deepEqual(src, { protocol: 'udp', remoteAddress: address, remotePort: p.port, localAddress: address, localPort: local.port });

      const reply = Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
      const result = await layer!.send({ protocol: 'udp', address: src.remoteAddress, port: src.remotePort }, reply);
      assert.deepEqual(result, { ok: true, local });
      const got = await p.next();
      assert.deepEqual(got.msg, reply);
      assert.equal(got.rinfo.port, local.port, 'symmetric: sent from the listening port');
      const stats = layer!.stats();
      assert.equal(stats.datagramsIn, 1);
      assert.equal(stats.datagramsOut, 1);
    });
  }

  it('gives every datagram of a peer the same frozen Source, and another peer its own', async () => {
    const rec = await start([{ address: '127.0.0.1', port: 0 }]);
    const [local] = layer!.boundListeners();
    const a = await peer('127.0.0.1');
    const b = await peer('127.0.0.1');
    a.send(sipRequest('a-1'), local!);
    a.send(sipRequest('a-2'), local!);
    b.send(sipRequest('b-1'), local!);
    await rec.until(() => rec.messages.length === 3, 'three datagrams');
    const byPort = (port: number) => rec.messages.filter((m) => m.src.remotePort === port).map((m) => m.src);
    const [a1, a2] = byPort(a.port);
    const [b1] = byPort(b.port);
    assert.ok(a1 && a2 && b1);
    assert.equal(a1, a2, 'one object per peer: transactions keep it 32 s after a call');
    assert.ok(Object.isFrozen(a1), 'shared, so nobody may change it');
    assert.notEqual(a1, b1);
    assert.deepEqual(b1, { protocol: 'udp', remoteAddress: '127.0.0.1', remotePort: b.port, localAddress: '127.0.0.1', localPort: local!.port });
  });

  it('accepts a bracketed IPv6 destination', async function () {
    await requireIPv6(this);
    await start([{ address: '::1', port: 0 }]);
    const p = await peer('::1');
    const result = await layer!.send({ protocol: 'udp', address: '[::1]', port: p.port }, Buffer.from('x'));
    assert.equal(result.ok, true);
    assert.deepEqual((await p.next()).msg, Buffer.from('x'));
  });

  it('sends from the listener of the destination family, or the one the local hint names', async () => {
    await start([{ address: '127.0.0.1', port: 0 }, { address: '127.0.0.1', port: 0 }]);
    const [first, second] = layer!.boundListeners();
    const p = await peer('127.0.0.1');
    await layer!.send({ protocol: 'udp', address: '127.0.0.1', port: p.port }, Buffer.from('a'));
    assert.equal((await p.next()).rinfo.port, first!.port);
    const hinted = await layer!.send({ protocol: 'udp', address: '127.0.0.1', port: p.port, localPort: second!.port }, Buffer.from('b'));
    assert.deepEqual(hinted, { ok: true, local: second });
    assert.equal((await p.next()).rinfo.port, second!.port);
    const noV6 = await layer!.send({ protocol: 'udp', address: '::1', port: p.port }, Buffer.from('c'));
    assert.deepEqual(noV6, { ok: false, error: 'no UDP listener for IPv6' });
  });

  it('drops a datagram larger than maxMessageSize and reports it as a framing error', async () => {
    const rec = await start([{ address: '127.0.0.1', port: 0 }], 200);
    const [local] = layer!.boundListeners();
    const p = await peer('127.0.0.1');
    p.send(Buffer.alloc(201, 0x41), local!);
    p.send(Buffer.alloc(200, 0x42), local!);
    await rec.until(() => rec.messages.length === 1, 'the small datagram');
    assert.equal(rec.framingErrors.length, 1);
    assert.equal(rec.framingErrors[0]!.code, 'datagram-too-large');
    assert.equal(rec.framingErrors[0]!.src.remotePort, p.port);
    assert.deepEqual(rec.messages[0]!.buf, Buffer.alloc(200, 0x42));
    assert.equal(layer!.stats().framingErrors, 1);
  });

  it('drops CRLF keep-alive datagrams without handing them up', async () => {
    const rec = await start([{ address: '127.0.0.1', port: 0 }]);
    const [local] = layer!.boundListeners();
    const p = await peer('127.0.0.1');
    p.send(Buffer.from('\r\n\r\n'), local!);
    p.send(Buffer.from('\r\n'), local!);
    p.send(sipRequest('after-ping'), local!);
    await rec.until(() => rec.messages.length === 1, 'the request');
    assert.equal(layer!.stats().datagramKeepAlivesIn, 2);
    assert.equal(rec.framingErrors.length, 0);
  });

  it('survives a handler that throws, and counts it', async () => {
    const errors: unknown[] = [];
    layer = new TransportLayer(
      { listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }], clock: systemClock },
      {
        onMessage: () => {
          throw new Error('boom');
        },
        onFramingError: () => undefined,
        onHandlerError: (e) => errors.push(e),
      },
    );
    await layer.start();
    const p = await peer('127.0.0.1');
    p.send(sipRequest('a'), layer.boundListeners()[0]!);
    p.send(sipRequest('b'), layer.boundListeners()[0]!);
    const deadline = Date.now() + 2000;
    while (errors.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(errors.length, 2);
    assert.equal(layer.stats().handlerErrors, 2);
  });

  it('returns errors as values for bad destinations', async () => {
    await start([{ address: '127.0.0.1', port: 0 }]);
    assert.deepEqual(await layer!.send({ protocol: 'udp', address: 'example.com', port: 5060 }, Buffer.from('x')), {
      ok: false,
      error: 'not an IP address: example.com',
    });
    assert.deepEqual(await layer!.send({ protocol: 'udp', address: '127.0.0.1', port: 0 }, Buffer.from('x')), {
      ok: false,
      error: 'invalid port 0',
    });
    const tooBig = await layer!.send({ protocol: 'udp', address: '127.0.0.1', port: 9 }, Buffer.alloc(70_000));
    assert.equal(tooBig.ok, false);
    assert.equal(layer!.stats().sendErrors, 3);
  });
});
