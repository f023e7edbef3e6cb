import assert from 'node:assert/strict';
import { pidfLo } from '../../../src/call/index.js';
import { ADDRESS } from './call-fixtures.js';

describe('call/pidf-lo', () => {
  it('writes an RFC 4119 presence document with an RFC 5139 civicAddress in schema order', () => {
    const doc = pidfLo(ADDRESS, 'pres:+14155550100@example.com');
    assert.match(doc, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf"/);
    assert.match(doc, /entity="pres:\+14155550100@example\.com"/);
    assert.match(doc, /xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"/);
    const tags = [...doc.matchAll(/<ca:(\w+)>/g)].map((m) => m[1]);
    assert.deepEqual(tags, ['country', 'A1', 'A3', 'RD', 'HNO', 'PC', 'UNIT']);
    assert.match(doc, /<ca:A3>San Francisco<\/ca:A3>/);
    assert.match(doc, /<gp:method>Manual<\/gp:method>/);
  });

  it('escapes XML metacharacters and leaves out absent optional fields', () => {
    const doc = pidfLo(
      { street: 'Smith & <Sons> "Lane"', city: "O'Fallon", region: 'MO', postalCode: '63366', country: 'us' },
      'pres:x@example.com',
    );
    assert.match(doc, /<ca:RD>Smith &amp; &lt;Sons&gt; &quot;Lane&quot;<\/ca:RD>/);
    assert.match(doc, /<ca:A3>O&apos;Fallon<\/ca:A3>/);
    assert.match(doc, /<ca:country>US<\/ca:country>/);
    assert.doesNotMatch(doc, /HNO|UNIT/);
  });
});
