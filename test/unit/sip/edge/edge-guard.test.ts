import assert from 'node:assert/strict';
import { EdgeGuard, validateEdgeConfig, type EdgeConfig, type EdgeRequest } from '../../../../src/sip/edge/index.js';

function config(raw: unknown): EdgeConfig {
  const result = validateEdgeConfig(raw);
  assert.ok(result.ok, JSON.stringify(result));
  return result.config;
}

const clean: EdgeRequest = { address: '192.0.2.1', protocol: 'udp', method: 'INVITE', userAgent: 'Linphone/5.2', from: '<sip:a@x>', to: '<sip:b@x>' };
const scanner: EdgeRequest = { ...clean, address: '198.51.100.9', userAgent: 'friendly-scanner' };

describe('EdgeGuard', () => {
  it('passes a clean request', () => {
    const guard = new EdgeGuard(config({}));
    assert.deepEqual(guard.inspect(clean, 0), { type: 'Pass' });
  });

  it('rejects a UDP scanner with 403 and drops a TCP one, counting each', () => {
    const guard = new EdgeGuard(config({}));
    assert.deepEqual(guard.inspect(scanner, 0), { type: 'RejectScanner', status: 403, field: 'user-agent', pattern: 'friendly-scanner' });
    assert.deepEqual(guard.inspect({ ...scanner, protocol: 'tcp' }, 0), { type: 'DropScanner', field: 'user-agent', pattern: 'friendly-scanner' });
    assert.equal(guard.counters.scannerRejected, 1);
    assert.equal(guard.counters.scannerDropped, 1);
  });

  it('never answers a scanner\'s ACK, even over UDP', () => {
    const guard = new EdgeGuard(config({}));
    assert.equal(guard.inspect({ ...scanner, method: 'ACK' }, 0).type, 'DropScanner');
    assert.equal(guard.counters.scannerRejected, 0);
  });

  it('rate-limits before answering scanners, so 403s to one source stay bounded by the burst', () => {
    const guard = new EdgeGuard(config({ rateLimit: { burst: 3, requestsPerSecond: 1, banSeconds: 10 } }));
    const types = Array.from({ length: 10 }, () => guard.inspect(scanner, 0));
    assert.deepEqual(types.map((v) => v.type), [
      'RejectScanner', 'RejectScanner', 'RejectScanner', 'DropRateLimited', ...Array(6).fill('DropRateLimited'),
    ]);
    assert.deepEqual(types[3], { type: 'DropRateLimited', banStarted: true });
    assert.deepEqual(types[4], { type: 'DropRateLimited', banStarted: false });
    assert.deepEqual(guard.counters, { scannerRejected: 3, scannerDropped: 0, rateLimited: 7, bansStarted: 1, activeBans: 1 });
    assert.equal(guard.inspect(clean, 0).type, 'Pass', 'another source is unaffected');
    assert.equal(guard.sweep(10_000), 2);
    assert.equal(guard.counters.activeBans, 0);
    assert.equal(guard.trackedAddresses, 0);
  });

  it('honours enabled: false for each part', () => {
    const guard = new EdgeGuard(config({ scanner: { enabled: false }, rateLimit: { enabled: false } }));
    for (let i = 0; i < 500; i++) assert.deepEqual(guard.inspect(scanner, 0), { type: 'Pass' });
    assert.equal(guard.sweep(0), 0);
    assert.equal(guard.trackedAddresses, 0);
  });

  it('exempts loopback by default', () => {
    const guard = new EdgeGuard(config({}));
    for (let i = 0; i < 1000; i++) assert.equal(guard.inspect({ ...clean, address: '127.0.0.1' }, 0).type, 'Pass');
    for (let i = 0; i < 1000; i++) assert.equal(guard.inspect({ ...clean, address: '::1' }, 0).type, 'Pass');
  });

  it('throws a coded error when handed an unvalidated exempt list', () => {
    const bad = { ...config({}), rateLimit: { ...config({}).rateLimit, exempt: ['nope'] } };
    assert.throws(() => new EdgeGuard(bad), { code: 'EDGE_CONFIG_INVALID' });
  });
});
