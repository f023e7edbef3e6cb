import assert from 'node:assert/strict';
import { errorOf, startHarness } from './control-fixtures.js';
import type { Harness } from './control-fixtures.js';

describe('control API: auth and errors', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const reply = await h.request('GET', '/users/alice/dnd', undefined, { token: null });
    assert.equal(reply.status, 401);
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer realm="linegate"');
    assert.equal(errorOf(reply).code, 'UNAUTHORIZED');
  });

  it('refuses a wrong token (same length and different length) with error="invalid_token"', async () => {
    for (const token of ['test-token-5f2a9c0e7c', 'x']) {
      const reply = await h.request('GET', '/users/alice/dnd', undefined, { token });
      assert.equal(reply.status, 401);
      assert.match(reply.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.doesNotMatch(JSON.stringify(reply.body), /test-token/);
    }
  });

  it('answers 404 USER_NOT_FOUND, 404 ROUTE_NOT_FOUND and 405 with Allow', async () => {
    assert.equal(errorOf(await h.request('GET', '/users/carol/dnd')).code, 'USER_NOT_FOUND');
    assert.equal(errorOf(await h.request('GET', '/nope')).code, 'ROUTE_NOT_FOUND');
    const wrong = await h.request('DELETE', '/users/alice/dnd');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, PUT');
  });

  it('answers 400 for bad JSON, 415 for another media type, and names the missing field', async () => {
    assert.equal(errorOf(await h.request('PUT', '/users/alice/dnd', undefined, { raw: '{"enabled":' })).code, 'INVALID_JSON');
    const media = await h.request('PUT', '/users/alice/dnd', undefined, { raw: 'enabled=1', contentType: 'text/plain' });
    assert.equal(media.status, 415);
    const missing = await h.request('PUT', '/users/alice/dnd', { enabled: true });
    assert.equal(missing.status, 400);
    assert.deepEqual([errorOf(missing).code, errorOf(missing).field], ['VALIDATION_FAILED', 'version']);
    const extra = await h.request('PUT', '/users/alice/dnd', { enabled: true, version: 0, colour: 'red' });
    assert.equal(errorOf(extra).field, 'colour');
  });
});

describe('control API: settings', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  it('reads the dialplan values before any write, at version 0', async () => {
    const reply = await h.request('GET', '/users/alice/settings');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, {
      dnd: false,
      forwarding: { always: null, busy: null, noAnswer: 'voicemail', unreachable: null },
      blockList: { numbers: ['+14155550166'], prefixes: [] },
      blockAnonymous: false,
      ringPlan: { strategy: 'simultaneous', timeoutS: 30, targets: [{ to: 'devices', timeoutS: 30, confirm: false }] },
      emergencyAddress: { street: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' },
      version: 0,
    });
  });

  it('writes DND with the version read, and refuses a stale version with 409 and the current one', async () => {
    const first = await h.request('PUT', '/users/alice/dnd', { enabled: true, version: 0 });
    assert.deepEqual([first.status, first.body], [200, { enabled: true, version: 1 }]);
    const stale = await h.request('PUT', '/users/alice/dnd', { enabled: false, version: 0 });
    assert.equal(stale.status, 409);
    assert.deepEqual([errorOf(stale).code, errorOf(stale).currentVersion], ['VERSION_CONFLICT', 1]);
    assert.deepEqual((await h.request('GET', '/users/alice/dnd')).body, { enabled: true, version: 1 });
    const stored = await h.store.getSettings('alice');
    assert.equal(stored?.settings['dnd'], true);
  });

  it('keeps other settings when one is written', async () => {
    await h.request('PUT', '/users/bob/block-anonymous', { enabled: true, version: 0 });
    await h.request('PUT', '/users/bob/dnd', { enabled: true, version: 1 });
    const all = (await h.request('GET', '/users/bob/settings')).body as { dnd: boolean; blockAnonymous: boolean; version: number };
    assert.deepEqual([all.dnd, all.blockAnonymous, all.version], [true, true, 2]);
  });

  it('normalises forwarding numbers to E.164 and refuses a forward to the user\'s own number', async () => {
    const okReply = await h.request('PUT', '/users/alice/forwarding', { busy: '(415) 555-0199', noAnswer: 'voicemail', version: 0 });
    assert.deepEqual(okReply.body, { always: null, busy: '+14155550199', noAnswer: 'voicemail', unreachable: null, version: 1 });
    const loop = await h.request('PUT', '/users/alice/forwarding', { always: '+14155550100', version: 1 });
    assert.equal(loop.status, 400);
    assert.equal(errorOf(loop).field, 'always');
    assert.match(errorOf(loop).message, /own business number/);
    const noBox = await h.request('PUT', '/users/bob/forwarding', { busy: 'voicemail', version: 0 });
    assert.deepEqual([noBox.status, errorOf(noBox).field], [400, 'busy']);
    // Forward always to voicemail needs a box too (the core would otherwise ignore it and ring).
    const alwaysNoBox = await h.request('PUT', '/users/bob/forwarding', { always: 'voicemail', version: 0 });
    assert.deepEqual([alwaysNoBox.status, errorOf(alwaysNoBox).field], [400, 'always']);
    assert.match(errorOf(alwaysNoBox).message, /voicemail/);
  });

  it('checks a ring plan by the dialplan rules (a sequential target that never rings)', async () => {
    const body = { strategy: 'sequential', timeoutS: 20, targets: [{ to: 'devices', timeoutS: 20 }, { to: '4155550199', confirm: true }], version: 0 };
    const bad = await h.request('PUT', '/users/alice/ring-plan', body);
    assert.deepEqual([bad.status, errorOf(bad).field], [400, 'targets[1]']);
    const good = await h.request('PUT', '/users/alice/ring-plan', { ...body, timeoutS: 60 });
    assert.equal(good.status, 200);
    assert.deepEqual(good.body, {
      strategy: 'sequential',
      timeoutS: 60,
      // The mobile gives no time: it rings the dialplan's ringing.defaultTargetTimeoutS (20 s),
      // read at call time, so the stored plan keeps no number for it.
      targets: [{ to: 'devices', timeoutS: 20, confirm: false }, { to: '+14155550199', confirm: true }],
      version: 1,
    });
  });

  it('validates the emergency address like the dialplan (ZIP code, state) and stores a good one', async () => {
    const address = { street: '500 Main St', unit: 'Suite 2', city: 'Austin', region: 'TX', postalCode: '7870', country: 'US' };
    const zip = await h.request('PUT', '/users/bob/emergency-address', { address, version: 0 });
    assert.deepEqual([zip.status, errorOf(zip).field], [400, 'address.postalCode']);
    const state = await h.request('PUT', '/users/bob/emergency-address', { address: { ...address, postalCode: '78701', region: 'XX' }, version: 0 });
    assert.equal(errorOf(state).field, 'address.region');
    const shape = await h.request('PUT', '/users/bob/emergency-address', { address: { ...address, city: undefined }, version: 0 });
    assert.deepEqual([errorOf(shape).code, errorOf(shape).field], ['VALIDATION_FAILED', 'address.city']);
    const good = await h.request('PUT', '/users/bob/emergency-address', { address: { ...address, postalCode: '78701' }, version: 0 });
    assert.deepEqual(good.body, { address: { ...address, postalCode: '78701' }, version: 1 });
  });

  it('adds and removes block-list entries, normalising numbers, with or without a version', async () => {
    const added = await h.request('POST', '/users/alice/block-list', { number: '415-555-0123' });
    assert.deepEqual(added.body, { numbers: ['+14155550166', '+14155550123'], prefixes: [], version: 1 });
    const again = await h.request('POST', '/users/alice/block-list', { number: '+14155550123', version: 1 });
    assert.deepEqual((again.body as { numbers: string[] }).numbers, ['+14155550166', '+14155550123']);
    const prefix = await h.request('POST', '/users/alice/block-list', { prefix: '+1900', version: 1 });
    assert.equal(errorOf(prefix).code, 'VERSION_CONFLICT');
    await h.request('POST', '/users/alice/block-list', { prefix: '+1900' });
    const both = await h.request('POST', '/users/alice/block-list', { prefix: '+1900', number: '+14155550124' });
    assert.equal(both.status, 400);
    const removed = await h.request('DELETE', '/users/alice/block-list/%2B14155550166');
    assert.deepEqual(removed.body, { numbers: ['+14155550123'], prefixes: ['+1900'], version: 4 });
    const national = await h.request('DELETE', '/users/alice/block-list/4155550123?version=4');
    assert.deepEqual(national.body, { numbers: [], prefixes: ['+1900'], version: 5 });
    assert.equal(errorOf(await h.request('DELETE', '/users/alice/block-list/%2B1900?version=4')).code, 'VERSION_CONFLICT');
    assert.equal(errorOf(await h.request('DELETE', '/users/alice/block-list/%2B1999')).code, 'BLOCK_ENTRY_NOT_FOUND');
    const invalid = await h.request('POST', '/users/alice/block-list', { number: '+1415' });
    assert.deepEqual([invalid.status, errorOf(invalid).field], [400, 'number']);
  });

  it('applies concurrent unversioned block-list additions without losing one', async () => {
    const numbers = ['+14155550131', '+14155550132', '+14155550133', '+14155550134'];
    const replies = await Promise.all(numbers.map((number) => h.request('POST', '/users/bob/block-list', { number })));
    assert.ok(replies.every((r) => r.status === 200));
    const list = (await h.request('GET', '/users/bob/block-list')).body as { numbers: string[] };
    assert.deepEqual([...list.numbers].sort(), numbers);
  });
});
