/**
 * The config layer's exported field checks: the RFC 3261 §25.1 SIP URI parser (values,
 * never exceptions; components as written) and the per-field validators the control API
 * can reuse (the same rules as a dialplan load, paths inside the field).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/config/field-validators.test.ts
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkCivicAddressField, checkForwardingField, checkPhoneNumberField, checkRingPlanField, checkSipUriField, parseSipUri,
} from '../../../src/config/index.js';

describe('config: parseSipUri (RFC 3261 §25.1)', () => {
  it('splits a full URI into its parts, as written', () => {
    const r = parseSipUri('SIPS:%61lice;x=1@[2001:db8::1]:5061;transport=tls;lr;maddr=10.0.0.1?Subject=hi&X-Tag=');
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.deepEqual(r.uri, {
      scheme: 'sips', user: '%61lice;x=1', host: '[2001:db8::1]', hostKind: 'ipv6', port: 5061,
      params: [{ name: 'transport', value: 'tls' }, { name: 'lr' }, { name: 'maddr', value: '10.0.0.1' }],
      headers: [{ name: 'Subject', value: 'hi' }, { name: 'X-Tag', value: '' }],
    });
    assert.deepEqual(parseSipUri('sip:127.0.0.1'), { ok: true, uri: { scheme: 'sip', host: '127.0.0.1', hostKind: 'ipv4', params: [], headers: [] } });
    const withPassword = parseSipUri('sip:acct:s3cr%65t@carrier.example.');
    assert.ok(withPassword.ok && withPassword.uri.password === 's3cr%65t' && withPassword.uri.hostKind === 'hostname');
  });

  it('names what breaks the grammar', () => {
    const cases: Array<[string, string]> = [
      ['tel:+14155550100', 'it does not start with sip: or sips:'],
      ['sip:', 'the host is missing'],
      ['sip:alice@', 'the host is missing'],
      ['sip:@host', 'the user part is empty or has characters that must be %-escaped'],
      ['sip:a@b@host', '"b@host" is not a host name or IP address'],
      ['sip:%zz@host', 'the user part is empty or has characters that must be %-escaped'],
      ['sip:u:p w@host', 'the password has characters that must be %-escaped'],
      ['sip:-host.example', '"-host.example" is not a host name or IP address'],
      ['sip:host.123', '"host.123" is not a host name or IP address'],
      ['sip:[::1', '"[::1" is not a host name or IP address'],
      ['sip:[::1]5060', '"5060" follows the host "[::1]", where only :port may'],
      ['sip:host:', 'the port "" is not a number from 1 to 65535'],
      ['sip:host:65536', 'the port "65536" is not a number from 1 to 65535'],
      ['sip:host;=x', 'the parameter ";=x" is not well formed'],
      ['sip:host;a=', 'the parameter ";a=" is not well formed'],
      ['sip:host?subject', 'the header "subject" after "?" is not well formed'],
      ['sip:host?a=b c', 'the header "a=b c" after "?" is not well formed'],
    ];
    for (const [uri, error] of cases) assert.deepEqual(parseSipUri(uri), { ok: false, error }, uri);
    // user = 1*( unreserved / escaped / user-unreserved ) takes ';': this is user "host;a" at host "b".
    const r = parseSipUri('sip:host;a@b');
    assert.ok(r.ok && r.uri.user === 'host;a' && r.uri.host === 'b');
  });

  it('never throws, and whatever it accepts has a host and a sip/sips scheme (property)', () => {
    const sipish = fc.stringMatching(/^(sips?|SIP):[a-z0-9%@:;=?&.[\]_-]{0,30}$/);
    fc.assert(fc.property(fc.oneof(fc.string(), sipish), (text) => {
      const r = parseSipUri(text);
      if (r.ok) assert.ok(r.uri.host.length > 0 && (r.uri.scheme === 'sip' || r.uri.scheme === 'sips'));
    }), { numRuns: 2000 });
  });

  it('parses back the parts it was built from (property)', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
    const token = fc.stringMatching(/^[a-z0-9][a-z0-9.!~*'()_-]{0,6}$/);
    fc.assert(fc.property(
      fc.boolean(), fc.option(token, { nil: undefined }), fc.array(label, { minLength: 1, maxLength: 3 }),
      fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.array(fc.tuple(token, fc.option(token, { nil: undefined })), { maxLength: 3 }),
      (secure, user, labels, port, params) => {
        const host = labels.join('.');
        const text = `${secure ? 'sips' : 'sip'}:${user === undefined ? '' : `${user}@`}${host}${port === undefined ? '' : `:${port}`}`
          + params.map(([n, v]) => (v === undefined ? `;${n}` : `;${n}=${v}`)).join('');
        const r = parseSipUri(text);
        assert.ok(r.ok, `${text}: ${r.ok ? '' : r.error}`);
        assert.equal(r.uri.scheme, secure ? 'sips' : 'sip');
        assert.equal(r.uri.user, user);
        assert.equal(r.uri.host, host);
        assert.equal(r.uri.port, port);
        assert.deepEqual(r.uri.params, params.map(([name, value]) => (value === undefined ? { name } : { name, value })));
      },
    ), { numRuns: 500 });
  });
});

describe('config: field validators', () => {
  const alice = { defaultCountry: 'US', ownNumber: '+14155550100', hasVoicemail: false };

  it('checkSipUriField: the parsed URI, or the dialplan\'s message (passwords refused)', () => {
    const good = checkSipUriField('sip:voicemail@127.0.0.1:5070');
    assert.ok(good.ok && good.value.user === 'voicemail' && good.value.port === 5070);
    assert.deepEqual(checkSipUriField('sip:acct:pw@host'), { ok: false, problems: [{
      path: '', message: 'a value with credentials in it is not a valid SIP URI: it carries a password (user:password@); credentials never go in URIs',
      fix: 'write sip:[user@]host[:port][;param=value], e.g. sip:voicemail@127.0.0.1:5070',
    }] });
  });

  it('checkPhoneNumberField normalises to E.164 in the default country', () => {
    assert.deepEqual(checkPhoneNumberField('(415) 555-0199', 'US'), { ok: true, value: '+14155550199' });
    const bad = checkPhoneNumberField('12', 'US');
    assert.ok(!bad.ok && bad.problems[0]?.message === '"12" is not a valid E.164 number');
  });

  it('checkForwardingField: numbers normalised; the own number and voicemail without a box refused, with paths', () => {
    const ok = checkForwardingField({ busy: '415 555 0199' }, alice);
    assert.deepEqual(ok, { ok: true, value: { always: undefined, busy: { type: 'Number', number: '+14155550199' }, noAnswer: undefined, unreachable: undefined } });
    const bad = checkForwardingField({ always: '+14155550100', noAnswer: 'voicemail' }, alice);
    assert.ok(!bad.ok);
    assert.deepEqual(bad.problems.map((p) => p.path), ['always', 'noAnswer']);
    assert.ok(checkForwardingField({ noAnswer: 'voicemail' }, { ...alice, hasVoicemail: true }).ok);
  });

  it('checkRingPlanField: a sequential target that never rings, and confirm on devices, are refused', () => {
    const bad = checkRingPlanField({
      strategy: 'sequential', timeoutS: 20,
      targets: [{ to: 'devices', timeoutS: 20, confirm: true }, { to: '+14155550199', timeoutS: 10, confirm: false }],
    }, alice);
    assert.ok(!bad.ok);
    assert.deepEqual(bad.problems.map((p) => p.path), ['targets[0].confirm', 'targets[1]']);
    const good = checkRingPlanField({ strategy: 'simultaneous', timeoutS: 30, targets: [{ to: 'devices', confirm: false }] }, alice);
    assert.deepEqual(good, { ok: true, value: { strategy: 'simultaneous', timeoutS: 30, targets: [{ type: 'Devices', timeoutS: 30 }] } });
  });

  it('checkCivicAddressField: ZIP code and state checked for US addresses', () => {
    const address = { street: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' };
    assert.ok(checkCivicAddressField(address).ok);
    const bad = checkCivicAddressField({ ...address, region: 'XX', postalCode: '941' });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.problems.map((p) => p.path), ['postalCode', 'region']);
  });
});
