import assert from 'node:assert/strict';
import {
  DEFAULT_SCANNER_PATTERNS,
  DEFAULT_USER_AGENT_PATTERNS,
  ScannerFilter,
  scannerAction,
  type ScannerHeaders,
} from '../../../../src/sip/edge/index.js';

const FIELDS = [
  ['user-agent', 'userAgent'],
  ['from', 'from'],
  ['to', 'to'],
] as const;

/** How each pattern might appear in a real header of that kind. */
function embed(key: keyof ScannerHeaders, text: string): string {
  if (key === 'userAgent') return `${text}/1.2.3 (linux)`;
  return `"${text}" <sip:100@192.0.2.10>;tag=abc123`;
}

describe('ScannerFilter', () => {
  const filter = new ScannerFilter();

  it('has the brief\'s required defaults', () => {
    const all = [...DEFAULT_SCANNER_PATTERNS, ...DEFAULT_USER_AGENT_PATTERNS].map((p) => p.toLowerCase());
    for (const required of ['friendly-scanner', 'sipvicious', 'sipcli', 'vaxsipuseragent', 'sip-scan', 'iwar', 'sundayddr', 'sipscan', 'smap', 'pplsip']) {
      assert.ok(all.includes(required), `missing default ${required}`);
    }
  });

  for (const pattern of DEFAULT_SCANNER_PATTERNS) {
    for (const [field, key] of FIELDS) {
      it(`matches default "${pattern}" in ${field}`, () => {
        const headers: ScannerHeaders = { [key]: embed(key, pattern) };
        assert.deepEqual(filter.check(headers), { matched: true, field, pattern });
      });
    }
  }

  for (const pattern of DEFAULT_USER_AGENT_PATTERNS) {
    it(`matches User-Agent-only default "${pattern}" in user-agent`, () => {
      assert.deepEqual(filter.check({ userAgent: embed('userAgent', pattern) }), { matched: true, field: 'user-agent', pattern });
    });
    it(`does not match User-Agent-only default "${pattern}" in from or to`, () => {
      assert.deepEqual(filter.check({ from: embed('from', pattern), to: embed('to', pattern) }), { matched: false });
    });
  }

  it('leaves a caller named Tiwari alone (why iWar is User-Agent only)', () => {
    assert.deepEqual(filter.check({ from: '"Anil Tiwari" <sip:anil@example.com>;tag=1', to: '<sip:tiwari@example.com>' }), {
      matched: false,
    });
  });

  it('is case-insensitive in both the header and the pattern', () => {
    assert.deepEqual(filter.check({ userAgent: 'FRIENDLY-SCANNER' }), { matched: true, field: 'user-agent', pattern: 'friendly-scanner' });
    assert.deepEqual(filter.check({ to: 'sip:100@x;ua=vaxsipuseragent' }), { matched: true, field: 'to', pattern: 'VaxSIPUserAgent' });
    assert.deepEqual(filter.check({ userAgent: 'SIPScan 1.0' }), { matched: true, field: 'user-agent', pattern: 'sipscan' });
    const custom = new ScannerFilter({ patterns: ['BadBot'], userAgentPatterns: [] });
    assert.deepEqual(custom.check({ from: 'x BADBOT y' }), { matched: true, field: 'from', pattern: 'BadBot' });
  });

  it('passes a clean request', () => {
    const clean = {
      userAgent: 'Linphone/5.2.0 (belle-sip/5.2.0)',
      from: '"Alice" <sip:alice@example.com>;tag=9fxced76sl',
      to: '<sip:bob@example.com>',
    };
    assert.deepEqual(filter.check(clean), { matched: false });
    assert.deepEqual(filter.check({}), { matched: false });
    assert.deepEqual(filter.check({ userAgent: '', from: '', to: '' }), { matched: false });
  });

  it('reports User-Agent before From before To', () => {
    const all = { userAgent: 'sipcli/v1', from: 'sipvicious', to: 'friendly-scanner' };
    assert.deepEqual(filter.check(all), { matched: true, field: 'user-agent', pattern: 'sipcli' });
    assert.deepEqual(filter.check({ from: 'sipvicious', to: 'friendly-scanner' }), { matched: true, field: 'from', pattern: 'sipvicious' });
  });

  it('treats patterns as literal text, not regular expressions', () => {
    const custom = new ScannerFilter({ patterns: ['a.c'], userAgentPatterns: [] });
    assert.deepEqual(custom.check({ userAgent: 'abc' }), { matched: false });
    assert.deepEqual(custom.check({ userAgent: 'xa.cx' }), { matched: true, field: 'user-agent', pattern: 'a.c' });
  });

  it('ignores an empty pattern instead of matching everything', () => {
    const custom = new ScannerFilter({ patterns: [''], userAgentPatterns: [''] });
    assert.deepEqual(custom.check({ userAgent: 'anything', from: 'x', to: 'y' }), { matched: false });
  });
});

describe('scannerAction', () => {
  it('answers 403 on UDP and drops on TCP', () => {
    assert.equal(scannerAction('udp'), 'reject-403');
    assert.equal(scannerAction('tcp'), 'drop');
  });
});
