import assert from 'node:assert/strict';
import { RouteTable } from '../../../../src/sip/wire/route-table.js';

class FakeApp {
  alive = true;
  constructor(readonly id: string) {}
}

function pick(table: RouteTable<FakeApp>, verb: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(table.select(verb)?.id ?? '-');
  return out;
}

describe('RouteTable', () => {
  it('round-robins per verb, with an independent offset for each verb', () => {
    const t = new RouteTable<FakeApp>();
    const [a, b, c] = [new FakeApp('a'), new FakeApp('b'), new FakeApp('c')];
    t.add('invite', a);
    t.add('invite', b);
    t.add('invite', c);
    t.add('register', c);
    t.add('register', a);
    assert.deepEqual(pick(t, 'invite', 4), ['a', 'b', 'c', 'a']);
    assert.deepEqual(pick(t, 'register', 3), ['c', 'a', 'c']);
    assert.deepEqual(pick(t, 'invite', 2), ['b', 'c']);
  });

  it('is case-insensitive on the verb (the server lower-cases methods) and returns undefined for unknown verbs', () => {
    const t = new RouteTable<FakeApp>();
    t.add('INVITE', new FakeApp('a'));
    assert.equal(t.select('invite')?.id, 'a');
    assert.equal(t.select('Invite')?.id, 'a');
    assert.deepEqual(t.snapshot(), { invite: ['a'] });
    assert.equal(t.select('options'), undefined);
  });

  it('keeps duplicates: an app routed twice gets two turns', () => {
    const t = new RouteTable<FakeApp>();
    const [a, b] = [new FakeApp('a'), new FakeApp('b')];
    t.add('invite', a);
    t.add('invite', a);
    t.add('invite', b);
    assert.deepEqual(pick(t, 'invite', 6), ['a', 'a', 'b', 'a', 'a', 'b']);
  });

  it('skips apps that are no longer alive and removes them lazily', () => {
    const t = new RouteTable<FakeApp>();
    const [a, b, c] = [new FakeApp('a'), new FakeApp('b'), new FakeApp('c')];
    for (const app of [a, b, c]) t.add('cdr:stop', app);
    assert.equal(t.select('cdr:stop')?.id, 'a');
    b.alive = false;
    assert.deepEqual(t.snapshot(), { 'cdr:stop': ['a', 'b', 'c'] });
    assert.deepEqual(pick(t, 'cdr:stop', 3), ['c', 'a', 'c']);
    assert.deepEqual(t.snapshot(), { 'cdr:stop': ['a', 'c'] });
    a.alive = false;
    c.alive = false;
    assert.equal(t.select('cdr:stop'), undefined);
    assert.deepEqual(t.snapshot(), {});
  });

  it('removeApp removes every entry of that app across all verbs', () => {
    const t = new RouteTable<FakeApp>();
    const [a, b] = [new FakeApp('a'), new FakeApp('b')];
    t.add('invite', a);
    t.add('invite', b);
    t.add('invite', a);
    t.add('options', a);
    t.add('register', b);
    t.removeApp(a);
    assert.deepEqual(t.snapshot(), { invite: ['b'], register: ['b'] });
    assert.deepEqual(t.appsFor('options'), []);
    assert.deepEqual(pick(t, 'invite', 2), ['b', 'b']);
  });
});
