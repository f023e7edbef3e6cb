import assert from 'node:assert/strict';
import { buildResponse, defaultReason, getHeader, getHeaderLines, parseMessage, serializeMessage, tagOf } from '../../../../src/sip/message/index.js';
import { options, parseOk, parseRequest, wire } from './fixtures.js';

describe('buildResponse / defaultReason', () => {
  const invite = parseRequest(
    options('Record-Route: <sip:p2.example.com;lr>\nRecord-Route: <sip:p1.example.com;lr>\nTimestamp: 54\n', { method: 'INVITE' }).replace(
      'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\n',
      'Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKa, SIP/2.0/UDP p2.example.com;branch=z9hG4bKb\nv: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\n',
    ),
  );

  it('copies Via lines in order, From, To, Call-ID, CSeq and ends with Content-Length: 0', () => {
    const res = buildResponse(invite, 486);
    assert.equal(res.reason, 'Busy Here');
    assert.equal(res.version, 'SIP/2.0');
    assert.deepEqual(
      res.headers.map((h) => h.name),
      ['Via', 'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Length'],
    );
    assert.deepEqual(getHeaderLines(res, 'Via'), getHeaderLines(invite, 'Via'));
    for (const name of ['From', 'To', 'Call-ID', 'CSeq']) assert.equal(getHeader(res, name), getHeader(invite, name));
    assert.equal(getHeader(res, 'Content-Length'), '0');
    assert.equal(res.body.length, 0);
  });

  it('adds the to-tag above 100 only, and never a second tag', () => {
    assert.equal(tagOf(getHeader(buildResponse(invite, 180, undefined, { toTag: 'abc' }), 'To') ?? ''), 'abc');
    assert.equal(tagOf(getHeader(buildResponse(invite, 100, undefined, { toTag: 'abc' }), 'To') ?? ''), undefined);
    const inDialog = parseRequest(options().replace('To: Bob <sip:bob@example.com>', 'To: <sip:bob@example.com>;tag=old'));
    assert.equal(getHeader(buildResponse(inDialog, 200, 'OK', { toTag: 'new' }), 'To'), '<sip:bob@example.com>;tag=old');
  });

  it('copies Record-Route only when asked and only for 101-299; Timestamp for 100', () => {
    assert.deepEqual(getHeaderLines(buildResponse(invite, 200, undefined, { copyRecordRoute: true }), 'Record-Route'), [
      '<sip:p2.example.com;lr>',
      '<sip:p1.example.com;lr>',
    ]);
    assert.deepEqual(getHeaderLines(buildResponse(invite, 200), 'Record-Route'), []);
    assert.deepEqual(getHeaderLines(buildResponse(invite, 486, undefined, { copyRecordRoute: true }), 'Record-Route'), []);
    assert.equal(getHeader(buildResponse(invite, 100), 'Timestamp'), '54');
    assert.equal(getHeader(buildResponse(invite, 180), 'Timestamp'), undefined);
  });

  it('adds extra headers before Content-Length and serialises to a parsable response', () => {
    const res = buildResponse(invite, 420, 'Bad Extension', { headers: [{ name: 'Unsupported', value: 'foo' }] });
    assert.deepEqual(res.headers.slice(-2), [{ name: 'Unsupported', value: 'foo' }, { name: 'Content-Length', value: '0' }]);
    const back = parseOk(serializeMessage(res));
    assert.deepEqual(back, res);
  });

  it('answers a partial request from a failed parse, skipping what it lacks', () => {
    const r = parseMessage(wire('INVITE  sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nCSeq: 1 INVITE\n\n'));
    assert.ok(!r.ok && r.partial?.type === 'request');
    const res = buildResponse(r.partial, 400, 'Bad Request');
    assert.deepEqual(res.headers.map((h) => h.name), ['Via', 'CSeq', 'Content-Length']);
  });

  it('defaultReason knows the standard phrases and falls back per class', () => {
    assert.equal(defaultReason(200), 'OK');
    assert.equal(defaultReason(481), 'Call/Transaction Does Not Exist');
    assert.equal(defaultReason(603), 'Decline');
    assert.equal(defaultReason(299), 'Success');
    assert.equal(defaultReason(499), 'Client Error');
    assert.equal(defaultReason(42), 'Unknown');
  });
});
