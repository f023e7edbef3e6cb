import assert from 'node:assert/strict';
import { responseDestination, sharedDestination } from '../../../../src/sip/transaction/index.js';
import { parseVia } from '../../../../src/sip/message/index.js';

describe('sharedDestination', () => {
  it('gives one frozen object per protocol, address, port and connection', () => {
    const a = sharedDestination('udp', '192.0.2.7', 5060);
    assert.equal(sharedDestination('udp', '192.0.2.7', 5060), a);
    assert.ok(Object.isFrozen(a));
    assert.deepEqual(a, { protocol: 'udp', address: '192.0.2.7', port: 5060 });
    assert.ok(!('connectionId' in a), 'no connectionId key when there is none');
    const others = [
      sharedDestination('tcp', '192.0.2.7', 5060),
      sharedDestination('udp', '192.0.2.8', 5060),
      sharedDestination('udp', '192.0.2.7', 5061),
      sharedDestination('udp', '192.0.2.7', 5060, 'c1'),
    ];
    for (const d of others) assert.notEqual(d, a);
    assert.equal(sharedDestination('udp', '192.0.2.7', 5060, 'c1'), others[3]);
    assert.notEqual(sharedDestination('udp', '192.0.2.7', 5060, 'c2'), others[3]);
    assert.equal(others[3]!.connectionId, 'c1');
  });

  it('is what responseDestination returns: requests from one peer share their response destination', () => {
    const via = parseVia('SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bKx;rport');
    assert.ok(via);
    const src = { protocol: 'udp' as const, remoteAddress: '192.0.2.9', remotePort: 40000, localAddress: '127.0.0.1', localPort: 5060 };
    const d1 = responseDestination(via, src, false);
    assert.deepEqual(d1, { protocol: 'udp', address: '192.0.2.9', port: 40000 });
    assert.equal(responseDestination(via, { ...src }, false), d1);
    const noRport = parseVia('SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bKy');
    assert.ok(noRport);
    assert.deepEqual(responseDestination(noRport, src, false), { protocol: 'udp', address: '192.0.2.9', port: 5070 });
  });
});
