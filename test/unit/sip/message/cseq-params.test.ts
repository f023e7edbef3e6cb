import assert from 'node:assert/strict';
import { MAX_CSEQ, formatCSeq, getParam, parseCSeq, removeParam, setParam, type Params } from '../../../../src/sip/message/index.js';

describe('parseCSeq / formatCSeq', () => {
  it('reads number and method with any LWS, leading zeros allowed', () => {
    assert.deepEqual(parseCSeq('314159 INVITE'), { seq: 314159, method: 'INVITE' });
    assert.deepEqual(parseCSeq(' 0009 \t INVITE '), { seq: 9, method: 'INVITE' });
    assert.deepEqual(parseCSeq('0 ACK'), { seq: 0, method: 'ACK' });
    assert.equal(formatCSeq({ seq: 7, method: 'BYE' }), '7 BYE');
  });

  it('accepts up to 2^32-1 and refuses anything larger (never wraps)', () => {
    assert.equal(MAX_CSEQ, 4294967295);
    assert.equal(parseCSeq('4294967295 OPTIONS')?.seq, 4294967295);
    for (const bad of ['4294967296 OPTIONS', '36893488147419103232 REGISTER', '9292394834772304023312 OPTIONS']) {
      assert.equal(parseCSeq(bad), null, bad);
    }
  });

  it('refuses malformed values', () => {
    for (const bad of ['', 'INVITE', '1', '1INVITE', '-1 INVITE', '1 INV ITE', '1 INV(ITE', 'x INVITE', '1.5 INVITE']) {
      assert.equal(parseCSeq(bad), null, bad);
    }
  });
});

describe('getParam / setParam / removeParam', () => {
  it('getParam distinguishes absent, flag and valued parameters, case-insensitively', () => {
    const p: Params = [['Branch', 'z9hG4bK1'], ['rport', null]];
    assert.equal(getParam(p, 'branch'), 'z9hG4bK1');
    assert.equal(getParam(p, 'RPORT'), null);
    assert.equal(getParam(p, 'maddr'), undefined);
  });

  it('getParam compares %-escaped names unescaped (RFC 3261 §19.1.4)', () => {
    const p: Params = [['%6C%72', null], ['n%61me', 'v']];
    assert.equal(getParam(p, 'lr'), null);
    assert.equal(getParam(p, 'name'), 'v');
    assert.equal(getParam(p, 'n%61me'), 'v');
    assert.equal(getParam(p, '%6Cx'), undefined);
  });

  it('setParam replaces the first, drops duplicates, or appends', () => {
    const p: Params = [['a', '1'], ['tag', 'x'], ['TAG', 'y']];
    setParam(p, 'tag', 'z');
    assert.deepEqual(p, [['a', '1'], ['tag', 'z']]);
    setParam(p, 'lr', null);
    assert.deepEqual(p, [['a', '1'], ['tag', 'z'], ['lr', null]]);
  });

  it('removeParam removes every occurrence', () => {
    const p: Params = [['a', '1'], ['b', null], ['A', '2']];
    assert.equal(removeParam(p, 'a'), 2);
    assert.deepEqual(p, [['b', null]]);
  });
});
