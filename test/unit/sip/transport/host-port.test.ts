import assert from 'node:assert/strict';
import { canonicalAddress, formatHostPort, isIPv6, isWildcardAddress, stripBrackets } from '../../../../src/sip/transport/index.js';

describe('address helpers', () => {
  it('formatHostPort brackets IPv6 literals only (RFC 3261 §19.1.1)', () => {
    assert.equal(formatHostPort('127.0.0.1', 5060), '127.0.0.1:5060');
    assert.equal(formatHostPort('::1', 5060), '[::1]:5060');
    assert.equal(formatHostPort('[::1]', 5061), '[::1]:5061');
    assert.equal(formatHostPort('example.com', 5060), 'example.com:5060');
  });

  it('isIPv6 accepts bare and bracketed IPv6 literals, nothing else', () => {
    assert.equal(isIPv6('::1'), true);
    assert.equal(isIPv6('[2001:db8::1]'), true);
    assert.equal(isIPv6('fe80::1%eth0'), true);
    assert.equal(isIPv6('127.0.0.1'), false);
    assert.equal(isIPv6('example.com'), false);
    assert.equal(isIPv6('a:b'), false);
  });

  it('canonicalAddress gives one spelling per address, keeping a zone index', () => {
    assert.equal(canonicalAddress('0:0:0:0:0:0:0:1'), '::1');
    assert.equal(canonicalAddress('[2001:DB8:0::1]'), '2001:db8::1');
    assert.equal(canonicalAddress('fe80::1%eth0'), 'fe80::1%eth0');
    assert.equal(canonicalAddress('10.0.0.1'), '10.0.0.1');
    assert.equal(canonicalAddress('example.com'), undefined);
  });

  it('stripBrackets and isWildcardAddress', () => {
    assert.equal(stripBrackets('[::]'), '::');
    assert.equal(stripBrackets('['), '[');
    assert.equal(isWildcardAddress('[::]'), true);
    assert.equal(isWildcardAddress('0.0.0.0'), true);
    assert.equal(isWildcardAddress('127.0.0.1'), false);
  });
});
