import assert from 'node:assert/strict';
import { AddressRangeSet, parseAddressRange, parseIpAddress } from '../../../../src/sip/edge/index.js';

function set(entries: string[]): AddressRangeSet {
  const built = AddressRangeSet.from(entries);
  assert.ok(built.ok, JSON.stringify(built));
  return built.set;
}

describe('parseIpAddress', () => {
  const valid: Array<[string, number[]]> = [
    ['192.0.2.1', [192, 0, 2, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['::', Array(16).fill(0)],
    ['::1', [...Array(15).fill(0), 1]],
    ['2001:db8::', [0x20, 0x01, 0x0d, 0xb8, ...Array(12).fill(0)]],
    ['2001:DB8:0:0:0:0:0:1', [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1]],
    ['1:2:3:4:5:6:7::', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]],
    ['64:ff9b::192.0.2.33', [0, 0x64, 0xff, 0x9b, ...Array(8).fill(0), 192, 0, 2, 33]],
    ['::ffff:192.0.2.1', [192, 0, 2, 1]], // IPv4-mapped comes back as IPv4
    ['::ffff:c000:201', [192, 0, 2, 1]],
    ['[::1]', [...Array(15).fill(0), 1]],
    ['fe80::1%eth0', [0xfe, 0x80, ...Array(13).fill(0), 1]],
  ];
  for (const [text, bytes] of valid) {
    it(`parses ${text}`, () => assert.deepEqual(Array.from(parseIpAddress(text) ?? []), bytes));
  }

  const invalid = ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', 'a.b.c.d', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::', '12345::', 'g::1', ':1::', '1.2.3.4::', 'localhost', ' 1.2.3.4'];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.equal(parseIpAddress(text), undefined));
  }
});

describe('parseAddressRange', () => {
  it('reads an exact address as /32 or /128', () => {
    const v4 = parseAddressRange('192.0.2.1');
    const v6 = parseAddressRange('2001:db8::1');
    assert.ok(v4.ok && v6.ok);
    assert.equal(v4.range.prefixLength, 32);
    assert.equal(v6.range.prefixLength, 128);
  });

  it('reads a mapped IPv4 CIDR on the 128-bit scale', () => {
    const r = parseAddressRange('::ffff:10.0.0.0/104');
    assert.ok(r.ok);
    assert.equal(r.range.prefixLength, 8);
    assert.deepEqual(Array.from(r.range.network), [10, 0, 0, 0]);
  });

  it('refuses host bits beyond the prefix and suggests the network', () => {
    const v4 = parseAddressRange('10.1.2.3/8');
    assert.ok(!v4.ok);
    assert.match(v4.fix, /"10\.0\.0\.0\/8"/);
    const v6 = parseAddressRange('2001:db8::1/32');
    assert.ok(!v6.ok);
    assert.match(v6.fix, /"2001:db8::\/32"/);
  });

  it('refuses bad prefixes and bad addresses with a fix', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', '::/129', 'example.com', '10.0.0.0/x']) {
      const r = parseAddressRange(bad);
      assert.ok(!r.ok, bad);
      assert.ok(r.message.includes(bad), r.message);
      assert.ok(r.fix.length > 0);
    }
  });
});

describe('AddressRangeSet', () => {
  it('matches IPv4 CIDRs at any prefix length, including non-octet ones', () => {
    const s = set(['10.0.0.0/8', '172.16.0.0/12', '192.0.2.128/25']);
    for (const inside of ['10.0.0.0', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.0.2.128', '192.0.2.255']) {
      assert.equal(s.has(inside), true, inside);
    }
    for (const outside of ['11.0.0.0', '9.255.255.255', '172.32.0.0', '172.15.255.255', '192.0.2.127']) {
      assert.equal(s.has(outside), false, outside);
    }
  });

  it('matches IPv6 CIDRs at any prefix length', () => {
    const s = set(['2001:db8::/32', 'fc00::/7', '2001:db9:0:2::/63']);
    for (const inside of ['2001:db8::1', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'fc00::1', 'fdff::1', '2001:db9:0:2::5', '2001:db9:0:3:ffff::5']) {
      assert.equal(s.has(inside), true, inside);
    }
    for (const outside of ['2001:db7::1', 'fe00::1', 'fbff::1', '2001:db9:0:1::1', '2001:db9:0:4::1', '::1']) {
      assert.equal(s.has(outside), false, outside);
    }
  });

  it('matches exact entries only', () => {
    const s = set(['203.0.113.7', '2001:db8::7']);
    assert.equal(s.has('203.0.113.7'), true);
    assert.equal(s.has('2001:db8:0::7'), true); // same address, other spelling
    assert.equal(s.has('203.0.113.8'), false);
    assert.equal(s.has('2001:db8::8'), false);
  });

  it('keeps families apart, except IPv4-mapped peers which count as IPv4', () => {
    const s = set(['0.0.0.0/0']);
    assert.equal(s.has('192.0.2.1'), true);
    assert.equal(s.has('::ffff:192.0.2.1'), true);
    assert.equal(s.has('2001:db8::1'), false);
    assert.equal(set(['::/0']).has('192.0.2.1'), false);
  });

  it('is empty-safe and never throws on garbage addresses', () => {
    assert.equal(AddressRangeSet.empty().has('127.0.0.1'), false);
    const s = set(['10.0.0.0/8']);
    for (const junk of ['', 'garbage', '10.0.0', '::g', '[10.0.0.1']) assert.equal(s.has(junk), false, junk);
  });

  it('reports every bad entry with its index', () => {
    const built = AddressRangeSet.from(['10.0.0.0/8', 'nope', '1.2.3.4/40']);
    assert.ok(!built.ok);
    assert.deepEqual(built.errors.map((e) => e.index), [1, 2]);
  });
});
