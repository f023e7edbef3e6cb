/**
 * Where an INVITE comes from and the core's CallRequest for it (call-source.ts), including
 * the per-call shortcuts it takes: a Set of the dialplan's usernames, the bits of source
 * networks and addresses kept between calls, and the From read once for both functions.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/call-source.test.ts
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ShellRequest } from '../../../../src/b2bua/call/index.js';
import { callRequestOf, parseAddress, recogniseSource, uriUser } from '../../../../src/b2bua/call/index.js';
import { inNetwork } from '../../../../src/b2bua/call/call-source.js';
import type { Dialplan, SourceNetwork } from '../../../../src/config/index.js';
import { parseDialplan } from '../../../../src/config/index.js';

const DIALPLAN = `version: 1
domain: pbx.example.com
defaultCountry: US
users:
  - id: alice
    businessNumber: "+14155550100"
    extension: "100"
    sip: { password: { env: ALICE_PASSWORD } }
    ringPlan: { strategy: simultaneous, timeoutS: 30, targets: [ { to: devices } ] }
  - id: bob
    businessNumber: "+14155550101"
    extension: "101"
    sip: { username: robert, password: { env: ALICE_PASSWORD } }
    ringPlan: { strategy: simultaneous, timeoutS: 30, targets: [ { to: devices } ] }
trunks:
  - name: carrier
    inbound: { sources: ["192.0.2.0/24", "2001:db8::/32"] }
    outbound: { uri: "sip:192.0.2.1" }
  - name: backup
    inbound: { sources: ["198.51.100.7"] }
emergency:
  numbers: ["911"]
  trunk: carrier
`;

function loaded(): Dialplan {
  const r = parseDialplan(DIALPLAN, { file: 'call-source-test.yaml', env: { ALICE_PASSWORD: 'secret-for-tests' } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors[0]));
  return r.dialplan;
}

class Invite extends EventEmitter implements ShellRequest {
  readonly method = 'INVITE';
  readonly body = undefined;
  readonly source_port = 5060;
  readonly protocol = 'udp';
  constructor(readonly source_address: string, readonly uri: string, private readonly headers: Record<string, string>) {
    super();
  }
  get(name: string): string | undefined {
    return this.headers[name];
  }
  has(name: string): boolean {
    return name in this.headers;
  }
  cancel(): void {}
}

const invite = (address: string, from: string, uri = 'sip:+14155550100@pbx.example.com', callId = 'c1'): Invite =>
  new Invite(address, uri, { From: from, 'Call-ID': callId });

describe('b2bua/call call-source', () => {
  const dialplan = loaded();

  it('recognises a trunk by its IPv4 and IPv6 source networks, bracketed or not', () => {
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(recogniseSource(invite('192.0.2.77', '<sip:+12125550123@carrier.example>'), dialplan), { kind: 'trunk', trunk: 'carrier' });
      assert.deepEqual(recogniseSource(invite('[2001:db8::5]', '<sip:+12125550123@carrier.example>'), dialplan), { kind: 'trunk', trunk: 'carrier' });
      assert.deepEqual(recogniseSource(invite('2001:0db8:ffff::1', 'sip:+12125550123@carrier.example'), dialplan), { kind: 'trunk', trunk: 'carrier' });
      assert.deepEqual(recogniseSource(invite('198.51.100.7', '<sip:+12125550123@x>'), dialplan), { kind: 'trunk', trunk: 'backup' });
      for (const outside of ['192.0.3.1', '198.51.100.8', '2001:db9::1', '10.0.0.1', 'not-an-address', '']) {
        assert.equal(recogniseSource(invite(outside, '<sip:+12125550123@x>'), dialplan), undefined, outside);
      }
    }
  });

  it('tells a device of the domain on a trunk address by its username (frozen dialplan and not)', () => {
    const users = [...dialplan.users];
    const unfrozen: Dialplan = { ...dialplan, users };
    assert.ok(Object.isFrozen(dialplan.users) && !Object.isFrozen(unfrozen.users));
    for (const d of [dialplan, unfrozen, dialplan]) {
      assert.equal(recogniseSource(invite('192.0.2.9', '"Alice" <sip:alice@pbx.example.com>;tag=1'), d), undefined);
      assert.equal(recogniseSource(invite('192.0.2.9', '<sip:robert@PBX.example.com>;tag=2'), d), undefined, 'sip.username, host case-insensitive');
      assert.deepEqual(recogniseSource(invite('192.0.2.9', '<sip:bob@pbx.example.com>;tag=3'), d), { kind: 'trunk', trunk: 'carrier' }, 'the id is not a username');
      assert.deepEqual(recogniseSource(invite('192.0.2.9', '<sip:alice@elsewhere.example>;tag=4'), d), { kind: 'trunk', trunk: 'carrier' });
    }
    // A users array that is not frozen may change between calls: it is read each time.
    users.pop();
    assert.deepEqual(recogniseSource(invite('192.0.2.9', '<sip:robert@pbx.example.com>;tag=5'), unfrozen), { kind: 'trunk', trunk: 'carrier' });
  });

  it('builds the request from each INVITE\'s own From, one INVITE after another', () => {
    const source = { kind: 'trunk' as const, trunk: 'carrier' };
    const a = invite('192.0.2.1', '"Ann" <sip:(212) 555-0123@carrier>;tag=a', 'sip:4155550100@pbx.example.com', 'call-a');
    const b = invite('192.0.2.1', '<sip:anonymous@anonymous.invalid>;tag=b', 'sip:+14155550101@pbx.example.com', 'call-b');
    const c = invite('192.0.2.1', '', 'tel:+14155550100', 'call-c');
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(recogniseSource(a, dialplan), source);
      assert.deepEqual(callRequestOf(a, source, dialplan), {
        callId: 'call-a', direction: 'inbound', from: { number: '+12125550123', display: 'Ann' }, to: '+14155550100', source,
      });
      assert.deepEqual(recogniseSource(b, dialplan), source);
      assert.deepEqual(callRequestOf(b, source, dialplan), { callId: 'call-b', direction: 'inbound', from: { number: null }, to: '+14155550101', source });
      // Interleaved: a's From again after b's.
      assert.deepEqual(callRequestOf(a, source, dialplan).from, { number: '+12125550123', display: 'Ann' });
      assert.deepEqual(callRequestOf(c, source, dialplan), { callId: 'call-c', direction: 'inbound', from: { number: null }, to: '+14155550100', source });
    }
  });

  it('leaves a device\'s dial string as dialled', () => {
    const r = callRequestOf(invite('10.0.0.5', '<sip:alice@pbx.example.com>;tag=x', 'sip:%2A98@pbx.example.com'), { kind: 'device', userId: 'alice' }, dialplan);
    assert.equal(r.to, '*98');
    assert.equal(r.direction, 'outbound');
    assert.equal(r.from.number, 'alice', 'a user part that is no number is kept as is');
  });

  it('parses From values and Request-URIs, percent-decoding only what is encoded', () => {
    assert.deepEqual(parseAddress('"A \\"B\\"" <sip:a%20b@h;x=y>;tag=1'), { display: 'A "B"', user: 'a b', host: 'h' });
    assert.deepEqual(parseAddress('sip:bob@h.example;tag=2'), { user: 'bob', host: 'h.example' });
    assert.deepEqual(parseAddress('<sip:%zz@h>'), { user: '%zz', host: 'h' }, 'a malformed escape is kept');
    assert.equal(parseAddress('garbage'), undefined);
    assert.equal(uriUser('sip:%2B14155550100@h'), '+14155550100');
    assert.equal(uriUser('tel:+14155550100;phone-context=x'), '+14155550100');
    assert.equal(uriUser('sip:h.example'), undefined);
  });

  it('inNetwork: prefix lengths, families, and a network object whose address changes', () => {
    const net = (cidr: string): SourceNetwork => {
      const [address = '', len = ''] = cidr.split('/');
      return { cidr, address, prefixLength: Number(len), family: address.includes(':') ? 6 : 4 };
    };
    assert.equal(inNetwork('10.1.2.3', net('10.0.0.0/8')), true);
    assert.equal(inNetwork('11.1.2.3', net('10.0.0.0/8')), false);
    assert.equal(inNetwork('203.0.113.9', net('0.0.0.0/0')), true);
    assert.equal(inNetwork('192.0.2.1', net('192.0.2.1/32')), true);
    assert.equal(inNetwork('192.0.2.2', net('192.0.2.1/32')), false);
    assert.equal(inNetwork('::1', net('::1/128')), true);
    assert.equal(inNetwork('127.0.0.1', net('::1/128')), false);
    assert.equal(inNetwork('fe80::1', net('fe80::/10')), true);
    assert.equal(inNetwork('::ffff:192.0.2.1', net('::ffff:0:0/96')), false, 'IPv4-mapped dotted form is not read');
    const moving = { ...net('192.0.2.0/24') };
    assert.equal(inNetwork('192.0.2.5', moving), true);
    moving.address = '198.51.100.0';
    assert.equal(inNetwork('192.0.2.5', moving), false);
    assert.equal(inNetwork('198.51.100.5', moving), true);
  });
});
