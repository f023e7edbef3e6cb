import assert from 'node:assert/strict';
import { formatFlagErrors, parseContact, parseEngineFlags } from '../../../src/config/index.js';

describe('drachtio-server flags (bin/linegate engine)', () => {
  it('reads --contact with several transports, --address, --port, --secret, --loglevel', () => {
    const r = parseEngineFlags(['--contact', 'sip:10.0.0.1:5070;transport=udp,tcp', '--address', '0.0.0.0', '--port', '9023', '--secret', 's3', '--loglevel', 'debug']);
    assert.ok(r.ok);
    assert.deepEqual(r.flags.sip, [
      { protocol: 'udp', address: '10.0.0.1', port: 5070 },
      { protocol: 'tcp', address: '10.0.0.1', port: 5070 },
    ]);
    assert.deepEqual(r.flags.wire, { address: '0.0.0.0', port: 9023, secret: 's3' });
    assert.equal(r.flags.loglevel, 'debug');
  });

  it('accepts --flag=value, IPv6 contacts and repeated --contact', () => {
    const r = parseEngineFlags(['--contact=sip:[::1]:5080;transport=tcp', '-c', 'sip:127.0.0.1']);
    assert.ok(r.ok);
    assert.deepEqual(r.flags.sip, [
      { protocol: 'tcp', address: '::1', port: 5080 },
      { protocol: 'udp', address: '127.0.0.1', port: 5060 },
      { protocol: 'tcp', address: '127.0.0.1', port: 5060 },
    ]);
  });

  it('takes the admin settings from DRACHTIO_* environment variables', () => {
    const r = parseEngineFlags([], { DRACHTIO_ADMIN_ADDRESS: '127.0.0.2', DRACHTIO_ADMIN_TCP_PORT: '9100', DRACHTIO_SECRET: 'envsecret' });
    assert.ok(r.ok);
    assert.deepEqual(r.flags.wire, { address: '127.0.0.2', port: 9100, secret: 'envsecret' });
  });

  it('names the flag and the fix for every bad value', () => {
    const r = parseEngineFlags(['--contact', 'sip:host:5060;transport=sctp', '--port', 'abc', '--loglevel', 'loud', '--secret']);
    assert.equal(r.ok, false);
    if (r.ok) return;
    const text = formatFlagErrors(r.errors);
    assert.match(text, /--contact: transport "sctp" is not supported .* fix: use the form sip:HOST:PORT;transport=udp,tcp/);
    assert.match(text, /--port: "abc" is not a port — fix: give a number from 0 to 65535/);
    assert.match(text, /--loglevel: unknown level "loud" — fix: use one of/);
    assert.match(text, /--secret: needs a value/);
    assert.equal(r.errors.length, 4);
  });

  it('refuses flags it does not know, instead of starting without them', () => {
    const r = parseEngineFlags(['--secert', 'typo', '--port', '9023', '--tls-port', '9024', '--cert-file=/etc/c.pem']);
    assert.equal(r.ok, false);
    if (r.ok) return;
    const text = formatFlagErrors(r.errors);
    assert.match(text, /--secert: unknown flag — fix: see `linegate help`/);
    assert.match(text, /--tls-port: TLS and WebSocket are not implemented by the embedded engine .* fix: remove it, or run drachtio-server/);
    assert.match(text, /--cert-file: TLS and WebSocket are not implemented/);
    assert.equal(r.errors.length, 3, 'the values of the unknown flags are not taken for more flags');
  });

  it('rejects an unreadable contact', () => {
    assert.equal(parseContact('http://x').ok, false);
    assert.equal(parseContact('sip:1.2.3.4:99999').ok, false);
  });
});
