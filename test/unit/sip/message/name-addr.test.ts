import assert from 'node:assert/strict';
import { formatNameAddr, parseNameAddr, parseUri, tagOf } from '../../../../src/sip/message/index.js';

describe('parseNameAddr / formatNameAddr / tagOf', () => {
  it('reads a quoted display name with quoted-pairs', () => {
    assert.deepEqual(parseNameAddr('"J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8'), {
      displayName: 'J Rosenberg \\"',
      uri: 'sip:jdrosen@example.com',
      params: [['tag', '98asjd8']],
    });
    const ctl = parseNameAddr('"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <sip:a@b>');
    assert.equal(ctl?.displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
    assert.equal(parseNameAddr('"" <sip:a@b>')?.displayName, '');
  });

  it('reads token display names, with or without LWS before <', () => {
    assert.equal(parseNameAddr('caller<sip:caller@example.com>;tag=323')?.displayName, 'caller');
    assert.equal(parseNameAddr("token1~` token2'+_ token3*%!.- <sip:m@e.com>")?.displayName, "token1~` token2'+_ token3*%!.-");
    assert.equal(parseNameAddr('<sip:a@b>')?.displayName, undefined);
  });

  it('without <>, params after the URI are header params (RFC 3261 §20.10)', () => {
    const addrSpec = parseNameAddr('sip:+19725552222@gw1.example.net;unknownparam');
    assert.equal(addrSpec?.uri, 'sip:+19725552222@gw1.example.net');
    assert.deepEqual(addrSpec?.params, [['unknownparam', null]]);
    const bracketed = parseNameAddr('<sip:+19725552222@gw1.example.net;unknownparam>');
    assert.equal(bracketed?.uri, 'sip:+19725552222@gw1.example.net;unknownparam');
    assert.deepEqual(bracketed?.params, []);
    assert.deepEqual(parseUri(bracketed?.uri ?? '')?.params, [['unknownparam', null]]);
  });

  it('reads addr-spec with LWS before the params and header params with quoted values', () => {
    const na = parseNameAddr('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
    assert.deepEqual(na, { uri: 'sip:vivekg@chair-dnrc.example.com', params: [['tag', '1918181833n']] });
    const q = parseNameAddr('<sip:a@b>;+sip.instance="<urn:uuid:1;2>";expires=60;fromParam=\'\'"работа"');
    assert.equal(q, null, 'gen-value is token, host or quoted-string');
    const ok = parseNameAddr('<sip:a@b>;+sip.instance="<urn:uuid:1;2>";expires=60;x="работа"');
    assert.deepEqual(ok?.params, [['+sip.instance', '"<urn:uuid:1;2>"'], ['expires', '60'], ['x', '"работа"']]);
  });

  it('accepts URIs of other schemes', () => {
    assert.equal(parseNameAddr('isbn:2983792873')?.uri, 'isbn:2983792873');
    assert.equal(parseNameAddr('<http://www.example.com>;tag=3234233')?.uri, 'http://www.example.com');
    assert.equal(parseNameAddr('<name:John_Smith>')?.uri, 'name:John_Smith');
  });

  it('refuses malformed values', () => {
    for (const bad of [
      '"Mr. J. User <sip:j.user@example.com>', // unterminated quote (RFC 4475 §3.1.2.6)
      'Bell, Alexander <sip:a.g.bell@example.com>;tag=43', // non-token display name (§3.1.2.15)
      '"Watson, Thomas" < sip:t.watson@example.org >', // LWS inside <> (§3.1.2.14)
      'sip:user@example.com?Route=%3Csip:sip.example.com%3E', // ? needs <> (§3.1.2.13)
      '"Joe" <sip:joe@example.org>;;;;', // empty params (§3.1.2.1)
      '<sip:a@b', '', '   ', 'Alice', '"A" sip:a@b', '<sip:a@b> junk', '<sip:a@b>;tag=1;', '<sip:a@b>;x="open',
    ]) {
      assert.equal(parseNameAddr(bad), null, bad);
    }
  });

  it('tagOf finds the tag in either form', () => {
    assert.equal(tagOf('Alice <sip:a@b>;tag=1928301774'), '1928301774');
    assert.equal(tagOf('sip:a@b;tag=43251j3j324'), '43251j3j324');
    assert.equal(tagOf('<sip:a@b;tag=inside>'), undefined, 'a URI param is not the tag');
    assert.equal(tagOf('<sip:a@b>;TAG=x'), 'x');
    assert.equal(tagOf('<sip:a@b>;tag'), undefined);
    assert.equal(tagOf('garbage <'), undefined);
  });

  it('formatNameAddr quotes display names and round-trips through parseNameAddr', () => {
    const na = { displayName: 'Quoted string ""\\', uri: 'sip:jdrosen@example.com', params: [['q', '0.33'], ['lr', null]] as Array<[string, string | null]> };
    const s = formatNameAddr(na);
    assert.equal(s, '"Quoted string \\"\\"\\\\" <sip:jdrosen@example.com>;q=0.33;lr');
    assert.deepEqual(parseNameAddr(s), na);
    assert.equal(formatNameAddr({ uri: 'sip:a@b;x', params: [] }), '<sip:a@b;x>');
  });
});
