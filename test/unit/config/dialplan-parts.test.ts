/** The small pieces the dialplan loader is built from, and a property: it never throws. */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { Secret, formatDialplanErrors } from '../../../src/config/index.js';
import { closest, editDistance } from '../../../src/config/dialplan/did-you-mean.js';
import { describeValue, formatPath } from '../../../src/config/dialplan/issues.js';
import { parseSource } from '../../../src/config/dialplan/network-source.js';
import { sipUriProblem } from '../../../src/config/dialplan/sip-uri.js';
import { yamlInline } from '../../../src/config/dialplan/yaml-inline.js';
import { parse, yamlOf } from './dialplan-fixtures.js';

describe('dialplan parts', () => {
  it('editDistance and closest: typos are suggested, different words are not', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(closest('ringplan', ['ringPlan', 'forwarding']), 'ringPlan');
    assert.equal(closest('buisnessNumber', ['businessNumber', 'extension']), 'businessNumber');
    assert.equal(closest('colour', ['minExpiresS', 'lockout']), undefined);
    assert.equal(closest('x', []), undefined);
  });

  it('formatPath writes indexes in brackets and quotes keys that are not identifiers', () => {
    assert.equal(formatPath(['users', 1, 'ringPlan', 'targets', 0, 'timeoutS']), 'users[1].ringPlan.targets[0].timeoutS');
    assert.equal(formatPath(['a', 'b c', 'd']), 'a["b c"].d');
    assert.equal(formatPath([]), '');
  });

  it('describeValue quotes and cuts text, names containers, and hides credentials', () => {
    assert.equal(describeValue('abc'), '"abc"');
    assert.equal(describeValue('x'.repeat(100)), JSON.stringify(`${'x'.repeat(57)}...`));
    assert.equal(describeValue([1]), 'a list');
    assert.equal(describeValue({}), 'a mapping');
    assert.equal(describeValue(null), 'an empty value');
    assert.equal(describeValue('sip:alice:pw@host'), 'a value with credentials in it');
    assert.equal(describeValue('https://u:p@host/x'), 'a value with credentials in it');
    assert.equal(describeValue('sip:alice@host:5060'), '"sip:alice@host:5060"');
  });

  it('parseSource normalises addresses to CIDR blocks', () => {
    assert.deepEqual(parseSource('10.0.0.0/8'), { ok: true, source: { cidr: '10.0.0.0/8', address: '10.0.0.0', prefixLength: 8, family: 4 } });
    assert.deepEqual(parseSource('2001:DB8::1'), { ok: true, source: { cidr: '2001:db8::1/128', address: '2001:db8::1', prefixLength: 128, family: 6 } });
    assert.equal(parseSource('::/0').ok, true);
    for (const bad of ['', 'host.example', '10.0.0.1/', '10.0.0.1/-1', '::1/129', '1.2.3.4/8/8']) assert.equal(parseSource(bad).ok, false, bad);
  });

  it('sipUriProblem accepts RFC 3261 forms and names what is wrong with others', () => {
    for (const ok of ['sip:h', 'sip:alice@pbx.example.com', 'sips:+1415@[::1]:5061;user=phone', 'sip:%61lice@h;lr', 'sip:h?subject=x']) {
      assert.equal(sipUriProblem(ok), undefined, ok);
    }
    assert.equal(sipUriProblem('tel:+14155550100'), 'it does not start with sip: or sips:');
    assert.equal(sipUriProblem('sip:h:0'), 'the port "0" is not a number from 1 to 65535');
    assert.equal(sipUriProblem('sip:@h'), 'the user part is empty or has characters that must be %-escaped');
    assert.equal(sipUriProblem('sip:1.2.3'), '"1.2.3" is not a host name or IP address');
  });

  it('yamlInline writes values as they appear on one YAML line', () => {
    assert.equal(yamlInline({ env: 'ALICE_SIP_PASSWORD' }), '{ env: ALICE_SIP_PASSWORD }');
    assert.equal(yamlInline(['SHA-256', 'MD5']), '[SHA-256, MD5]');
    assert.equal(yamlInline('100'), '"100"');
    assert.equal(yamlInline('true'), '"true"');
    assert.equal(yamlInline('a b'), '"a b"');
    assert.equal(yamlInline(30), '30');
  });

  it('Secret reveals its value only on request', () => {
    const s = new Secret('PW', 'hunter2-hunter2');
    assert.equal(s.reveal(), 'hunter2-hunter2');
    assert.equal(s.envName, 'PW');
    for (const shown of [JSON.stringify({ s }), String(s), inspect({ s })]) assert.ok(!shown.includes('hunter2'), shown);
    assert.ok(Object.isFrozen(s));
  });

  it('formatDialplanErrors writes one line per error, with the position when there is no path', () => {
    assert.equal(formatDialplanErrors([
      { file: 'f.yaml', path: 'a.b', message: 'm1', fix: 'f1', line: 3, column: 4 },
      { file: 'f.yaml', path: '', message: 'm2', fix: 'f2', line: 5, column: 6 },
      { file: 'f.yaml', path: '', message: 'm3', fix: 'f3' },
    ]), 'f.yaml: a.b: m1 — fix: f1\nf.yaml: line 5, column 6: m2 — fix: f2\nf.yaml: m3 — fix: f3');
  });
});

describe('dialplan loader (property)', () => {
  it('never throws, whatever the text: it returns errors naming the file', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      const result = parse(text);
      return result.ok || result.errors.every((e) => e.file === 'dialplans/x.yaml' && e.fix.length > 0);
    }), { numRuns: 300 });
  });

  it('never throws on any YAML value where a part of a valid dialplan belongs', () => {
    /** The fixture dialplan with one top-level key replaced (or added). */
    const withTopLevel = (key: string, value: unknown): string =>
      `${yamlOf().replace(new RegExp(`^${key}:(\\n(?: .*)?)*`, 'm'), '')}${stringify({ [key]: value })}`;
    assert.ok(parse(withTopLevel('users', [])).ok, 'the replacement itself works');
    assert.ok(!parse(withTopLevel('trunks', [])).ok, 'the replacement itself works');
    const keys = fc.constantFrom('users', 'trunks', 'emergency', 'registrar', 'outbound', 'limits', 'controlApi');
    fc.assert(fc.property(keys, fc.jsonValue({ maxDepth: 3 }), (key, value) => {
      const result = parse(withTopLevel(key, value));
      return result.ok || result.errors.length > 0;
    }), { numRuns: 300 });
  });
});
