/**
 * WireServer judged by the real drachtio-srf 5.0.29: authentication, routes, app
 * selection, remove_route, and a sip/response round trip through srf's own parser.
 */
import assert from 'node:assert/strict';
import {
  formatCdr, formatResponseSentAck, formatSipEvent, wireTime, type AppConnection,
} from '../../../../src/sip/wire/index.js';
import { until, type SrfRequestLike, type SrfResponseLike } from './srf-app.js';
import { HOSTPORTS, LOCAL_HOSTPORTS, WireServerHarness } from './wire-server-harness.js';

const noop = (): void => undefined;

const OPTIONS = [
  'OPTIONS sip:service@127.0.0.1:5090 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-w1;rport=5080;received=127.0.0.1',
  'From: <sip:probe@127.0.0.1:5080>;tag=ft1',
  'To: <sip:service@127.0.0.1:5090>',
  'Call-ID: call-1@127.0.0.1',
  'CSeq: 1 OPTIONS',
  'Max-Forwards: 70',
  'Subject: ünïcødé ☎',
  'Content-Length: 0',
  '', '',
].join('\r\n');

describe('WireServer with drachtio-srf', () => {
  let h: WireServerHarness;

  beforeEach(async () => {
    h = new WireServerHarness();
    await h.start();
  });

  afterEach(async () => {
    await h.teardown();
  });

  it('authenticates an srf app: connect event carries hostports, the v-version and localHostports', async () => {
    const app = await h.srf(noop, { tags: ['blue', 'tenant:42'] });
    assert.equal(app.connected.err, null);
    assert.equal(app.connected.hostport, HOSTPORTS);
    assert.equal(app.connected.version, 'v0.9.10');
    assert.equal(app.connected.localHostports, LOCAL_HOSTPORTS);
    const apps = h.server.apps();
    assert.equal(apps.length, 1);
    assert.deepEqual(apps[0]?.tags, ['blue', 'tenant:42']);
    assert.equal(apps[0]?.alive, true);
  });

  it('reports a configured version string', async () => {
    await h.teardown();
    h = new WireServerHarness();
    await h.start({ version: 'v1.2.3-linegate' });
    const app = await h.srf();
    assert.equal(app.connected.version, 'v1.2.3-linegate');
  });

  it('refuses a wrong secret: srf gets a connect error and the server closes the socket', async () => {
    const app = await h.srf(noop, { secret: 'wrong' });
    assert.ok(app.connected.err instanceof Error);
    assert.match(String(app.connected.err), /failed to authenticate/);
    await until(() => app.closed(), 2000, 'srf socket to be closed by the server');
    assert.equal(h.server.apps().length, 0);
    assert.equal(h.server.stats().authFailures, 1);
    assert.deepEqual(h.gone, [], 'an app that never authenticated is not reported gone');
  });

  it('records the routes srf sends (route|invite, route|options, route|cdr:attempt)', async () => {
    const app = await h.srf((srf) => {
      srf.invite(noop);
      srf.options(noop);
      srf.on('cdr:attempt', noop);
    });
    await until(() => Object.keys(h.server.routeSnapshot()).length === 3, 2000, 'routes');
    const id = h.server.apps()[0]?.id ?? '';
    assert.deepEqual(h.server.routeSnapshot(), { 'invite': [id], 'options': [id], 'cdr:attempt': [id] });
    // srf 5.0.29 re-sends every known verb whenever a new one is registered after
    // connecting; the server keeps the duplicates, as drachtio-server does.
    app.srf.use('register', noop);
    await until(() => h.server.appsFor('register').length === 1, 2000, 'register route');
    await until(() => h.server.appsFor('invite').length === 2, 2000, 'duplicate invite route');
    assert.deepEqual(h.server.routeSnapshot(),
      { 'invite': [id, id], 'options': [id, id], 'cdr:attempt': [id, id], 'register': [id] });
  });

  it('selects two apps routing invite alternately, and skips one that disconnected', async () => {
    const a = await h.srf((srf) => srf.invite(noop));
    const b = await h.srf((srf) => srf.invite(noop));
    await until(() => h.server.appsFor('invite').length === 2, 2000, 'two invite routes');
    const [idA, idB] = h.server.appsFor('invite').map((x) => x.id);
    assert.notEqual(idA, idB);
    const picks = [1, 2, 3, 4].map(() => h.server.selectApp('INVITE')?.id);
    assert.deepEqual(picks, [idA, idB, idA, idB]);
    assert.equal(h.server.selectApp('options'), undefined);

    await h.disconnect(a);
    await until(() => h.gone.length === 1, 2000, 'onAppGone');
    assert.equal(h.gone[0]?.id, idA);
    assert.equal(h.gone[0]?.alive, false);
    assert.equal(h.gone[0]?.send('x|ping'), false, 'send on a gone app is dropped, not thrown');
    assert.deepEqual([1, 2, 3].map(() => h.server.selectApp('invite')?.id), [idB, idB, idB]);
    assert.equal(b.closed(), false);
  });

  it('remove_route drops ALL routes of that app (drachtio-server quirk), other apps keep theirs', async () => {
    const a = await h.srf((srf) => {
      srf.invite(noop);
      srf.options(noop);
    });
    await h.srf((srf) => srf.invite(noop));
    await until(() => h.server.appsFor('invite').length === 2 && h.server.appsFor('options').length === 1);
    const idA = h.server.appsFor('options')[0]?.id;
    a.srf.unregisterForMessages('options');
    await until(() => h.server.appsFor('options').length === 0, 2000, 'remove_route');
    const remaining = h.server.appsFor('invite').map((x) => x.id);
    assert.equal(remaining.length, 1);
    assert.notEqual(remaining[0], idA, 'the invite route of the same app went too');
    assert.equal(a.closed(), false, 'remove_route does not disconnect');
  });

  it('round-trips a sip event and a response through srf (token positions as srf reads them)', async () => {
    let seen: SrfRequestLike | undefined;
    const replied = new Promise<{ status: number; subject: string }>((resolve, reject) => {
      void h.srf((srf) => srf.options((req: SrfRequestLike, res: SrfResponseLike) => {
        seen = req;
        res.send(200, (err, msg) => (err ? reject(new Error(String(err))) : resolve({
          status: msg.status, subject: msg.get('Subject'),
        })));
      }));
    });
    await until(() => h.server.appsFor('options').length === 1, 2000, 'options route');
    const app = h.server.selectApp('options') as AppConnection;
    h.onRequest = (from, msg) => {
      from.send(formatResponseSentAck({
        clientMsgId: msg.msgId, proto: 'udp', address: '127.0.0.1', port: 5080,
        time: wireTime(new Date()), transactionId: msg.tokens[2] ?? '', dialogId: '',
        sip: (msg.sip ?? '').replace('SIP/2.0 200 OK\r\n', 'SIP/2.0 200 OK\r\nSubject: sent ✓\r\n'),
      }));
    };
    assert.equal(app.send(formatSipEvent({
      source: 'network', proto: 'udp', address: '127.0.0.1', port: 5080, time: '01:02:03.000456',
      transactionId: 'txn-opt-1', dialogId: '', receivedOn: { address: '127.0.0.1', port: 5090 }, sip: OPTIONS,
    })), true);

    const res = await replied;
    assert.equal(res.status, 200);
    assert.equal(res.subject, 'sent ✓');
    assert.ok(seen);
    assert.equal(seen.method, 'OPTIONS');
    assert.equal(seen.stackTxnId, 'txn-opt-1');
    assert.equal(seen.stackDialogId, '');
    assert.equal(seen.receivedOn, '127.0.0.1:5090');
    assert.equal(seen.sessionToken, undefined);
    assert.equal(seen.source, 'network');
    assert.equal(seen.source_address, '127.0.0.1');
    assert.equal(seen.source_port, 5080);
    assert.equal(seen.protocol, 'udp');
    assert.equal(seen.stackTime, '01:02:03.000456');
    assert.equal(seen.get('Subject'), 'ünïcødé ☎');

    const [answer] = h.requests;
    assert.ok(answer);
    assert.equal(answer.app, app);
    assert.equal(answer.msg.command, 'sip');
    assert.deepEqual(answer.msg.tokens.slice(1), ['sip', 'txn-opt-1', '']);
    assert.match(answer.msg.sip ?? '', /^SIP\/2\.0 200 OK\r\n/);
    assert.match(answer.msg.sip ?? '', /\r\nCall-ID: call-1@127\.0\.0\.1\r\n/i);
  });

  it('delivers a CDR to the app that routed it, with srf calling its cdr handler', async () => {
    const got = new Promise<unknown[]>((resolve) => {
      void h.srf((srf) => srf.on('cdr:stop', (...args) => resolve(args)));
    });
    await until(() => h.server.appsFor('cdr:stop').length === 1, 2000, 'cdr route');
    const app = h.server.selectApp('cdr:stop') as AppConnection;
    app.send(formatCdr({ verb: 'cdr:stop', source: 'application', time: '10:11:12.131415',
      reason: 'normal-release', sip: OPTIONS }));
    const [source, time, reason, msg] = await got;
    assert.equal(source, 'application');
    assert.equal(time, '10:11:12.131415');
    assert.equal(reason, 'normal-release');
    assert.equal((msg as { method: string }).method, 'OPTIONS');
  });
});
