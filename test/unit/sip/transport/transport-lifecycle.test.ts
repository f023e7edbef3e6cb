import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { LinegateError, systemClock } from '../../../../src/shared/index.js';
import { TransportLayer, type ListenSpec, type TransportLayerOptions } from '../../../../src/sip/transport/index.js';
import { eventually, Recorder, sipRequest } from './transport-test-kit.js';

const SOCKET_KINDS = new Set(['TCPServerWrap', 'TCPSocketWrap', 'TCPWRAP', 'UDPWrap', 'UDPWRAP']);

/** How many socket handles this process holds. */
function socketHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => SOCKET_KINDS.has(r)).length;
}

const ALL: ListenSpec[] = [
  { protocol: 'udp', address: '127.0.0.1', port: 0 },
  { protocol: 'tcp', address: '127.0.0.1', port: 0 },
];

/** Every layer a test made, destroyed after it even when an assertion failed midway. */
const layers: TransportLayer[] = [];

function layerWith(listen: ListenSpec[], options: Partial<TransportLayerOptions> = {}): { layer: TransportLayer; rec: Recorder } {
  const rec = new Recorder();
  const layer = new TransportLayer({ listen, clock: systemClock, ...options }, rec);
  layers.push(layer);
  return { layer, rec };
}

describe('TransportLayer lifecycle', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const l of layers.splice(0)) l.destroy();
  });

  async function dial(port: number, allowHalfOpen = false): Promise<Socket> {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen });
    s.on('error', () => undefined);
    sockets.push(s);
    await once(s, 'connect');
    return s;
  }

  it('binds every listener, reports actual ports, and releases all handles on close', async () => {
    const before = socketHandles();
    const { layer } = layerWith(ALL);
    await layer.start();
    const bound = layer.boundListeners();
    assert.deepEqual(bound.map((b) => [b.protocol, b.address]), [['udp', '127.0.0.1'], ['tcp', '127.0.0.1']]);
    assert.ok(bound.every((b) => b.port > 0));
    assert.equal(socketHandles(), before + 2);
    await layer.close();
    // libuv releases a handle a moment after its close callback.
    await eventually(() => socketHandles() === before, 'every socket handle to be released');
  });

  it('close() with open inbound and outbound connections ends them and leaves no handles', async () => {
    const before = socketHandles();
    const { layer, rec } = layerWith(ALL);
    const { layer: other } = layerWith([{ protocol: 'tcp', address: '127.0.0.1', port: 0 }]);
    await Promise.all([layer.start(), other.start()]);
    const tcp = layer.boundListeners()[1]!;
    const peer = await dial(tcp.port);
    peer.write(sipRequest('in'));
    await rec.until(() => rec.messages.length === 1, 'the inbound request');
    const out = await layer.send({ protocol: 'tcp', address: '127.0.0.1', port: other.boundListeners()[0]!.port }, sipRequest('out'));
    assert.equal(out.ok, true);
    assert.equal(layer.stats().connectionsOpen, 2);

    const peerClosed = once(peer, 'close');
    await layer.close();
    assert.equal(layer.stats().connectionsOpen, 0);
    await peerClosed;
    await other.close();
    await eventually(() => socketHandles() === before, 'every socket handle to be released');
    const after = await layer.send({ protocol: 'udp', address: '127.0.0.1', port: 9 }, Buffer.from('x'));
    assert.deepEqual(after, { ok: false, error: 'transport layer is closed' });
  });

  it('close() destroys a connection whose peer never finishes, after tcpCloseGraceMs', async () => {
    const { layer, rec } = layerWith([ALL[1]!], { tcpCloseGraceMs: 50 });
    await layer.start();
    const peer = await dial(layer.boundListeners()[0]!.port, true); // half-open: never ends its side
    peer.write(sipRequest('x'));
    await rec.until(() => rec.messages.length === 1, 'the request');
    const started = Date.now();
    await layer.close();
    assert.ok(Date.now() - started >= 40, 'waited for the grace period');
    assert.equal(layer.stats().connectionsOpen, 0);
  });

  it('close() is idempotent and destroy() after close() is harmless', async () => {
    const { layer } = layerWith(ALL);
    await layer.start();
    const a = layer.close();
    const b = layer.close();
    assert.equal(a, b);
    await a;
    layer.destroy();
    await layer.close();
  });

  it('destroy() closes listeners and connections at once', async () => {
    const before = socketHandles();
    const { layer, rec } = layerWith(ALL);
    await layer.start();
    const peer = await dial(layer.boundListeners()[1]!.port, true);
    peer.write(sipRequest('x'));
    await rec.until(() => rec.messages.length === 1, 'the request');
    const peerEnded = once(peer, 'end'); // half-open peer: sees our FIN, keeps its side
    layer.destroy();
    await peerEnded;
    peer.destroy();
    await eventually(() => socketHandles() === before, 'every socket handle to be released');
    assert.equal(layer.stats().connectionsOpen, 0);
  });

  it('refuses to start twice', async () => {
    const { layer } = layerWith(ALL);
    await layer.start();
    await assert.rejects(layer.start(), (e: unknown) => e instanceof LinegateError && e.code === 'transport-already-started');
    await layer.close();
  });

  it('rejects with transport-bind-failed, releasing what was bound, when a port is taken', async () => {
    const before = socketHandles();
    const { layer: holder } = layerWith([ALL[1]!]);
    await holder.start();
    const taken = holder.boundListeners()[0]!;
    const { layer } = layerWith([ALL[0]!, { protocol: 'tcp', address: '127.0.0.1', port: taken.port }]);
    await assert.rejects(layer.start(), (e: unknown) => e instanceof LinegateError && e.code === 'transport-bind-failed' && /EADDRINUSE/.test(e.message));
    await layer.close();
    await holder.close();
    await eventually(() => socketHandles() === before, 'every socket handle to be released');
  });

  it('releases a UDP socket whose bind failed', async () => {
    const before = socketHandles();
    const { layer: holder } = layerWith([ALL[0]!]);
    await holder.start();
    const taken = holder.boundListeners()[0]!;
    const { layer } = layerWith([ALL[1]!, { protocol: 'udp', address: '127.0.0.1', port: taken.port }]);
    await assert.rejects(layer.start(), (e: unknown) => e instanceof LinegateError && e.code === 'transport-bind-failed');
    await holder.close();
    await eventually(() => socketHandles() === before, 'every socket handle to be released');
  });

  it('close() during start() waits for it, then closes everything', async () => {
    const before = socketHandles();
    const { layer } = layerWith(ALL);
    const starting = layer.start();
    const closing = layer.close();
    await starting;
    await closing;
    assert.equal(layer.boundListeners().length, 2);
    await eventually(() => socketHandles() === before, 'every socket handle to be released');
  });

  it('dropConnection() closes one TCP connection at once', async () => {
    const { layer, rec } = layerWith([ALL[1]!]);
    await layer.start();
    const peer = await dial(layer.boundListeners()[0]!.port);
    peer.write(sipRequest('x'));
    await rec.until(() => rec.messages.length === 1, 'the request');
    const peerClosed = once(peer, 'close');
    assert.equal(layer.dropConnection(rec.messages[0]!.src), true);
    await peerClosed;
    assert.equal(layer.dropConnection(rec.messages[0]!.src), false);
    assert.equal(layer.dropConnection({}), false);
    await layer.close();
  });

  it('dropConnection() from inside onMessage stops delivery of the rest of the chunk', async () => {
    const got: string[] = [];
    const layer: TransportLayer = new TransportLayer(
      { listen: [ALL[1]!], clock: systemClock },
      {
        onMessage: (buf, src) => {
          got.push(buf.toString('latin1'));
          layer.dropConnection(src);
        },
        onFramingError: () => undefined,
      },
    );
    layers.push(layer);
    await layer.start();
    const peer = await dial(layer.boundListeners()[0]!.port);
    const peerClosed = once(peer, 'close');
    peer.write(Buffer.concat([sipRequest('first'), sipRequest('second')]));
    await peerClosed;
    assert.deepEqual(got, [sipRequest('first').toString('latin1')]);
    await layer.close();
  });

  it('send() before start() is an error value', async () => {
    const { layer } = layerWith(ALL);
    assert.deepEqual(await layer.send({ protocol: 'tcp', address: '127.0.0.1', port: 5060 }, Buffer.from('x')), {
      ok: false,
      error: 'transport layer is new',
    });
    await layer.close();
  });
});
