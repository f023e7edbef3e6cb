import assert from 'node:assert/strict';
import { formatUri, getParam, parseUri, unescapeUriPart } from '../../../../src/sip/message/index.js';

describe('parseUri / formatUri', () => {
  it('reads every part of a sip URI', () => {
    assert.deepEqual(parseUri('sip:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent'), {
      scheme: 'sip',
      user: 'alice',
      password: 'secret',
      host: 'atlanta.com',
      port: 5061,
      params: [['transport', 'tcp'], ['lr', null]],
      headers: 'subject=project%20x&priority=urgent',
    });
  });

  it('lower-cases the scheme only, and reads sips and host-only URIs', () => {
    assert.deepEqual(parseUri('SIPS:Example.COM'), { scheme: 'sips', host: 'Example.COM', params: [] });
  });

  it('keeps IPv6 references with their brackets', () => {
    const u = parseUri('sip:[2001:db8::10]:5070;maddr=[2001:db8::1]');
    assert.equal(u?.host, '[2001:db8::10]');
    assert.equal(u?.port, 5070);
    assert.deepEqual(u?.params, [['maddr', '[2001:db8::1]']]);
    assert.equal(parseUri('sip:user@[::1]')?.host, '[::1]');
  });

  it('lets the user part carry ; ? , / (RFC 4475 §3.1.1.9, §3.1.1.2)', () => {
    const semi = parseUri('sip:user;par=u%40example.net@example.com');
    assert.equal(semi?.user, 'user;par=u%40example.net');
    assert.equal(semi?.host, 'example.com');
    assert.deepEqual(semi?.params, []);
    const odd = parseUri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
    assert.equal(odd?.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(odd?.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  });

  it('keeps %-escapes as written; unescapeUriPart decodes them', () => {
    const u = parseUri('sip:sips%3Auser%40example.com@example.net;%6C%72;n%61me=v%61lue%25%34%31');
    assert.equal(u?.user, 'sips%3Auser%40example.com');
    assert.equal(unescapeUriPart(u?.user ?? ''), 'sips:user@example.com');
    assert.equal(getParam(u?.params ?? [], 'lr'), null);
    assert.equal(unescapeUriPart(String(getParam(u?.params ?? [], 'name'))), 'value%41');
  });

  it('unescapeUriPart keeps NULs, decodes UTF-8 and leaves non-escapes alone', () => {
    assert.equal(unescapeUriPart('null-%00-null'), 'null-\u0000-null');
    assert.equal(unescapeUriPart('%00%00').length, 2);
    assert.equal(unescapeUriPart('%D0%B4a'), 'дa');
    assert.equal(unescapeUriPart('%Z%45%'), '%ZE%');
    assert.equal(unescapeUriPart('100%'), '100%');
    assert.equal(unescapeUriPart('plain'), 'plain');
  });

  it('reads tel URIs as number + params and other schemes as opaque', () => {
    assert.deepEqual(parseUri('tel:+1-201-555-0123;phone-context=example.com'), {
      scheme: 'tel',
      host: '+1-201-555-0123',
      params: [['phone-context', 'example.com']],
    });
    assert.deepEqual(parseUri('soap.beep://192.0.2.103:3002'), { scheme: 'soap.beep', host: '//192.0.2.103:3002', params: [] });
    assert.deepEqual(parseUri('isbn:2983792873'), { scheme: 'isbn', host: '2983792873', params: [] });
    assert.equal(parseUri('nobodyKnowsThisScheme:totallyopaquecontent')?.scheme, 'nobodyknowsthisscheme');
  });

  it('refuses malformed URIs', () => {
    for (const bad of [
      '', 'sip', ':x', '1sip:a', 'sip:', 'sip:@host', 'sip:a@', 'sip:host:', 'sip:host:99999', 'sip:host:12x',
      'sip:a b@host', 'sip:host;;lr', 'sip:host;', 'sip:host;=x', 'sip:[::1', 'sip:[]', 'sip:[zz]', 'sip:a@ho st',
      'sip:host?a=<b>', '<sip:a@b>', 'http:a b', 'isbn:', 'sip:a<b@host', 'sip:host/x',
    ]) {
      assert.equal(parseUri(bad), null, bad);
    }
  });

  it('formatUri writes back what parseUri read', () => {
    for (const s of [
      'sip:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent',
      'sips:[2001:db8::10]:5070;maddr=[2001:db8::1]',
      'sip:user;par=u%40example.net@example.com',
      'sip:host;a=;b',
      'sip:host?',
      'tel:+1-201-555-0123;phone-context=example.com',
      'soap.beep://192.0.2.103:3002',
      'sip:a:@host',
    ]) {
      const u = parseUri(s);
      assert.ok(u, s);
      assert.equal(formatUri(u), s);
    }
  });
});
