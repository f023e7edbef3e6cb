import assert from 'node:assert/strict';
import { formatVia, parseVia } from '../../../../src/sip/message/index.js';

describe('parseVia / formatVia', () => {
  it('reads protocol, transport, sent-by and params', () => {
    assert.deepEqual(parseVia('SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport;received=192.0.2.1'), {
      protocol: 'SIP/2.0',
      transport: 'UDP',
      host: 'pc33.atlanta.com',
      port: 5066,
      params: [['branch', 'z9hG4bK776asdhds'], ['rport', null], ['received', '192.0.2.1']],
    });
  });

  it('allows LWS around / : ; = and upper-cases the transport', () => {
    assert.deepEqual(parseVia('SIP  /   2.0 /udp 192.0.2.2 : 5060 ;branch  =   390skdjuw  '), {
      protocol: 'SIP/2.0',
      transport: 'UDP',
      host: '192.0.2.2',
      port: 5060,
      params: [['branch', '390skdjuw']],
    });
  });

  it('reads IPv6 sent-by and unknown transports', () => {
    const v = parseVia('SIP/2.0/TLS [2001:db8::9:1]:5061;received=2001:db8::9:255;branch=z9hG4bKas3');
    assert.equal(v?.host, '[2001:db8::9:1]');
    assert.equal(v?.port, 5061);
    assert.equal(v?.params[0]?.[1], '2001:db8::9:255');
    assert.equal(parseVia('SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en')?.transport, 'UNKNOWN');
  });

  it('refuses malformed values', () => {
    for (const bad of [
      '', 'SIP/2.0', 'SIP/2.0/UDP', 'SIP/2.0/UDP ', 'SIP/2.0/UDPhost', 'SIP/2.0 UDP host', 'SIP//UDP host',
      'SIP/2.0/UDP 192.0.2.15;;', ';', 'SIP/2.0/UDP host:', 'SIP/2.0/UDP host:70000', 'SIP/2.0/UDP host;branch=a b',
      'SIP/2.0/UDP [::1', 'SIP/2.0/UDP host junk',
    ]) {
      assert.equal(parseVia(bad), null, bad);
    }
  });

  it('formatVia writes the canonical form that parseVia reads back', () => {
    const v = parseVia('SIP / 2.0 / tcp  h.example.com ; branch = z9hG4bK1 ; rport');
    assert.ok(v);
    assert.equal(formatVia(v), 'SIP/2.0/TCP h.example.com;branch=z9hG4bK1;rport');
    assert.deepEqual(parseVia(formatVia(v)), v);
  });
});
