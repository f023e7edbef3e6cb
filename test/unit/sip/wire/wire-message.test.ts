import assert from 'node:assert/strict';
import {
  formatCdr,
  formatNo,
  formatNok,
  formatOk,
  formatProxyContinue,
  formatProxyDone,
  formatRequestSentAck,
  formatResponseSentAck,
  formatSipEvent,
  newMsgId,
  parseWireMessage,
  sipByteLength,
  wireTime,
  type WireMessage,
} from '../../../../src/sip/wire/wire-message.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Splits off token 0 (a fresh server id), checks its shape, returns the rest. */
function withoutId(payload: string): string {
  const bar = payload.indexOf('|');
  assert.ok(bar > 0, `no id in ${payload}`);
  assert.match(payload.slice(0, bar), UUID_V4);
  return payload.slice(bar + 1);
}

function parsed(payload: string): WireMessage {
  const r = parseWireMessage(payload);
  assert.ok(r.ok, `parse failed: ${JSON.stringify(r)}`);
  return r.message;
}

/** The leader tokens as srf sees them (srf splits at the first CR). */
function srfTokens(payload: string): string[] {
  const cr = payload.indexOf('\r');
  return (cr === -1 ? payload : payload.slice(0, cr)).split('|');
}

const INVITE = 'INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: a\r\n\r\nv=0\r\n';
const OK_200 = 'SIP/2.0 200 OK\r\nTo: <sip:bob@example.com>;tag=x\r\n\r\n';

describe('wire-message', () => {
  describe('parseWireMessage', () => {
    it('splits the leader at the first CRLF and keeps the SIP text intact', () => {
      const m = parsed(`id1|sip|txn-1|\r\n${INVITE}`);
      assert.equal(m.msgId, 'id1');
      assert.equal(m.command, 'sip');
      assert.deepEqual(m.tokens, ['id1', 'sip', 'txn-1', '']);
      assert.equal(m.sip, INVITE);
    });

    it('keeps empty and trailing empty tokens (sip|||proxy, route|)', () => {
      assert.deepEqual(parsed('a|sip|||sip:10.0.0.1\r\nX').tokens, ['a', 'sip', '', '', 'sip:10.0.0.1']);
      assert.deepEqual(parsed('a|sip||\r\nX').tokens, ['a', 'sip', '', '']);
      assert.deepEqual(parsed('a|proxy|t|||followRedirects|serial|||sip:x').tokens,
        ['a', 'proxy', 't', '', '', 'followRedirects', 'serial', '', '', 'sip:x']);
      assert.deepEqual(parsed('b|route|').tokens, ['b', 'route', '']);
    });

    it('has no sip part when there is no CRLF, and an empty one after a bare CRLF', () => {
      const ping = parsed('p|ping');
      assert.equal(ping.sip, undefined);
      assert.equal('sip' in ping, false);
      assert.equal(parsed('p|ping\r\n').sip, '');
    });

    it('ends the leader only at CRLF, like the server (a lone CR stays in the token)', () => {
      assert.deepEqual(parsed('p|route|in\rvite').tokens, ['p', 'route', 'in\rvite']);
    });

    it('returns a value, never throws, when there is no command token', () => {
      assert.deepEqual(parseWireMessage('just-an-id'),
        { ok: false, code: 'NO_COMMAND', error: 'leader has no command token', msgId: 'just-an-id' });
      const empty = parseWireMessage('');
      assert.equal(empty.ok, false);
      assert.equal(parseWireMessage('x\r\n|sip|').ok, false);
    });
  });

  describe('response builders (§6.1)', () => {
    it('formatOk with and without tokens', () => {
      assert.equal(withoutId(formatOk('c1')), 'response|c1|OK');
      assert.equal(withoutId(formatOk('c1', ['pong'])), 'response|c1|OK|pong');
      assert.equal(withoutId(formatOk('c1', ['tcp/127.0.0.1:5060', 'v0.9.10', 'udp/10.0.0.1:5060'])),
        'response|c1|OK|tcp/127.0.0.1:5060|v0.9.10|udp/10.0.0.1:5060');
      assert.equal(withoutId(formatProxyDone('c9')), 'response|c9|OK|done');
    });

    it('formatNok / formatNo', () => {
      assert.equal(withoutId(formatNok('c2', 'Response not sent due to unknown transaction')),
        'response|c2|NOK|Response not sent due to unknown transaction');
      assert.equal(withoutId(formatNo('c3', 'incorrect secret')), 'response|c3|NO|incorrect secret');
    });

    it('request sent: transactionId at 10, `Msg sent:` and a trailing empty token (trace C.2)', () => {
      const s = formatRequestSentAck({
        clientMsgId: 'c4', proto: 'udp', address: '127.0.0.1', port: 5090,
        time: '02:37:26.345693', transactionId: 'T1', sip: INVITE,
      });
      assert.equal(withoutId(s),
        `response|c4|OK|application|${INVITE.length}|udp|127.0.0.1|5090|02:37:26.345693|T1|Msg sent:|\r\n${INVITE}`);
      const t = srfTokens(s);
      assert.equal(t.length, 13);
      // srf's _makeRequest reads token.slice(3)[7] as the transaction id.
      assert.equal(t.slice(3)[7], 'T1');
      assert.equal(parsed(s).sip, INVITE);
    });

    it('response sent: dialogId at 11, then an empty token, `Msg sent:` and an empty token (trace B.3)', () => {
      const s = formatResponseSentAck({
        clientMsgId: 'c5', proto: 'udp', address: '127.0.0.1', port: '5080',
        time: '02:37:26.345693', transactionId: 'C93', dialogId: '1-11836@127.0.0.1;from-tag=11836SIPpTag001',
        sip: OK_200,
      });
      assert.equal(withoutId(s), `response|c5|OK|application|${OK_200.length}|udp|127.0.0.1|5080|02:37:26.345693` +
        `|C93|1-11836@127.0.0.1;from-tag=11836SIPpTag001||Msg sent:|\r\n${OK_200}`);
      const t = srfTokens(s);
      assert.equal(t.length, 15);
      assert.equal(t[10], 'C93');
      assert.equal(t[11], '1-11836@127.0.0.1;from-tag=11836SIPpTag001');
      assert.notEqual(t[12], 'continue');
    });

    it('response sent with no dialog (trace B.5: `|||Msg sent:|`, empty proto)', () => {
      const s = formatResponseSentAck({
        clientMsgId: 'c6', bytes: 265, proto: '', address: '127.0.0.1', port: 5080,
        time: '00:00:00.000000', transactionId: 'E74', dialogId: '', sip: OK_200,
      });
      assert.equal(withoutId(s),
        `response|c6|OK|application|265||127.0.0.1|5080|00:00:00.000000|E74|||Msg sent:|\r\n${OK_200}`);
    });

    it('proxy continue: token 12 is exactly `continue` with no trailing token (trace D)', () => {
      const s = formatProxyContinue({
        clientMsgId: 'c7', proto: 'udp', address: '127.0.0.1', port: 5070, time: '01:02:03.000004', sip: OK_200,
      });
      assert.equal(withoutId(s),
        `response|c7|OK|network|${OK_200.length}|udp|127.0.0.1|5070|01:02:03.000004|||continue\r\n${OK_200}`);
      const t = srfTokens(s);
      assert.equal(t.length, 13);
      assert.equal(t[12], 'continue');
    });
  });

  describe('sip events (§6.2)', () => {
    const base = {
      source: 'network' as const, proto: 'udp', address: '127.0.0.1', port: 5080,
      time: '02:37:26.340801', transactionId: 'C93', sip: INVITE,
    };

    it('new out-of-dialog request: receivedOn in tokens 10-11 and a trailing empty token 12 (trace B.1)', () => {
      const s = formatSipEvent({ ...base, dialogId: '', receivedOn: { address: '127.0.0.1', port: 5090 } });
      assert.equal(withoutId(s),
        `sip|network|${INVITE.length}|udp|127.0.0.1|5080|02:37:26.340801|C93||127.0.0.1|5090|\r\n${INVITE}`);
      const t = srfTokens(s);
      assert.equal(t.length, 13);
      assert.equal(t[12], '');
    });

    it('other messages: a trailing empty token right after the dialogId (trace B.4, C.3)', () => {
      const s = formatSipEvent({ ...base, proto: '', dialogId: 'cid;from-tag=ft' });
      assert.equal(withoutId(s),
        `sip|network|${INVITE.length}||127.0.0.1|5080|02:37:26.340801|C93|cid;from-tag=ft|\r\n${INVITE}`);
      const t = srfTokens(s);
      assert.equal(t.length, 11);
      assert.equal(t[9], 'cid;from-tag=ft');
    });

    it('unsolicited BYE from the application source', () => {
      const s = formatSipEvent({ ...base, source: 'application', transactionId: 'unsolicited', dialogId: 'd' });
      assert.deepEqual(srfTokens(s).slice(1), ['sip', 'application', String(INVITE.length), 'udp', '127.0.0.1',
        '5080', '02:37:26.340801', 'unsolicited', 'd', '']);
    });

    it('bytes is the UTF-8 length, not the JS string length', () => {
      const sip = 'MESSAGE sip:a@b SIP/2.0\r\nSubject: héllo 🎉\r\n\r\n';
      assert.equal(sip.length, 46);
      assert.equal(sipByteLength(sip), 49);
      const s = formatSipEvent({ ...base, dialogId: '', sip });
      assert.equal(srfTokens(s)[3], '49');
      assert.equal(parsed(s).sip, sip);
    });
  });

  describe('CDRs (§6.3)', () => {
    it('attempt, start with role, stop with reason', () => {
      const at = { source: 'network' as const, time: '02:37:26.340801', sip: INVITE };
      assert.equal(withoutId(formatCdr({ verb: 'cdr:attempt', ...at })),
        `cdr:attempt|network|02:37:26.340801\r\n${INVITE}`);
      assert.equal(withoutId(formatCdr({ verb: 'cdr:start', ...at, source: 'application', role: 'uas' })),
        `cdr:start|application|02:37:26.340801|uas\r\n${INVITE}`);
      assert.equal(withoutId(formatCdr({ verb: 'cdr:stop', ...at, reason: 'normal-release' })),
        `cdr:stop|network|02:37:26.340801|normal-release\r\n${INVITE}`);
    });
  });

  describe('wireTime', () => {
    it('formats UTC time of day as HH:MM:SS.uuuuuu', () => {
      assert.equal(wireTime(new Date(Date.UTC(2026, 6, 2, 3, 4, 5, 678))), '03:04:05.678000');
      assert.equal(wireTime(new Date(Date.UTC(2026, 6, 2, 23, 59, 59, 999))), '23:59:59.999000');
      assert.equal(wireTime(0), '00:00:00.000000');
    });

    it('keeps microseconds from fractional epoch milliseconds and wraps at midnight', () => {
      assert.equal(wireTime(Date.UTC(2026, 0, 1, 12, 0, 0) + 1.5), '12:00:00.001500');
      assert.equal(wireTime(86_400_000 * 3 + 61_000.000001), '00:01:01.000000');
      assert.equal(wireTime(-1), '23:59:59.999000');
    });
  });

  describe('newMsgId', () => {
    it('is UUIDv4-shaped and unique', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 20_000; i++) {
        const id = newMsgId();
        assert.match(id, UUID_V4);
        seen.add(id);
      }
      assert.equal(seen.size, 20_000);
    });
  });
});
