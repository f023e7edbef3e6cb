/**
 * The EventLog contract: one suite, run against FileEventLog (test/unit/events) and
 * RedisEventLog (test/integration/redis-event-log.test.ts).
 */
import assert from 'node:assert/strict';
import type { CallEvent, EventLog, LoggedEvent } from '../../src/events/index.js';
import { LinegateError } from '../../src/shared/index.js';
import { callStarted, endedWithoutReason, endedWithReason, everyType } from './call-event-samples.js';

export interface EventLogHarness {
  /** Fresh, empty storage for the next test. */
  reset(): Promise<void>;
  /** A started log over the current storage; a second open() after close() sees the same data. */
  open(): Promise<EventLog>;
}

export function eventLogContract(h: () => EventLogHarness): void {
  let log: EventLog;
  const opened: EventLog[] = [];
  const open = async (): Promise<EventLog> => {
    const l = await h().open();
    opened.push(l);
    return l;
  };
  const appendAll = async (l: EventLog, events: CallEvent[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const e of events) ids.push((await l.append(e)).id);
    return ids;
  };
  const events = (n: number, from = 0): CallEvent[] => Array.from({ length: n }, (_, i) => callStarted(from + i));

  beforeEach(async () => {
    await h().reset();
    log = await open();
  });
  afterEach(async () => {
    for (const l of opened.splice(0)) await l.close();
  });

  it('returns every type of event as appended, in order, with the ids append gave', async () => {
    const ids = await appendAll(log, everyType());
    const got = await log.read('g', 'c1', 100, 0);
    assert.deepEqual(got.map((x) => x.id), ids);
    assert.deepEqual(got.map((x) => x.event), everyType());
  });

  it('keeps call.ended\'s reason and sipStatus through append, read and reopen; one without them loads as it was', async () => {
    await appendAll(log, [endedWithReason(1), endedWithoutReason(2)]);
    const first = await log.read('g', 'c1', 10, 0);
    assert.deepEqual(first.map((x) => x.event), [endedWithReason(1), endedWithoutReason(2)]);
    await log.close();
    const again = await open();
    const got = (await again.read('g2', 'c1', 10, 0)).map((x) => x.event);
    assert.deepEqual(got, [endedWithReason(1), endedWithoutReason(2)]);
    const [withReason, without] = got;
    assert.ok(withReason?.type === 'call.ended' && withReason.reason === 'overload' && withReason.sipStatus === 503, JSON.stringify(withReason));
    assert.ok(without?.type === 'call.ended' && !('reason' in without), JSON.stringify(without));
  });

  it('keeps the order of concurrent appends and gives each its own id', async () => {
    const results = await Promise.all(events(50).map((e) => log.append(e)));
    assert.equal(new Set(results.map((r) => r.id)).size, 50);
    const got = await log.read('g', 'c1', 100, 0);
    assert.deepEqual(got.map((x) => x.id), results.map((r) => r.id));
    assert.deepEqual(got.map((x) => x.event.callId), events(50).map((e) => e.callId));
  });

  it('reads at most max events and continues where it stopped', async () => {
    await appendAll(log, events(5));
    const a = await log.read('g', 'c1', 2, 0);
    const b = await log.read('g', 'c1', 10, 0);
    const c = await log.read('g', 'c1', 10, 0);
    assert.deepEqual(a.map((x) => x.event.callId), ['call-0', 'call-1']);
    assert.deepEqual(b.map((x) => x.event.callId), ['call-2', 'call-3', 'call-4']);
    assert.deepEqual(c, []);
  });

  it('delivers each event to one consumer of a group, and every event to each group', async () => {
    await appendAll(log, events(6));
    const seen: LoggedEvent[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(...(await log.read('g', 'c1', 1, 0)), ...(await log.read('g', 'c2', 1, 0)));
    }
    assert.deepEqual(seen.map((x) => x.event.callId).sort(), events(6).map((e) => e.callId).sort());
    assert.equal((await log.read('g', 'c3', 10, 0)).length, 0);
    assert.equal((await log.read('other', 'c1', 10, 0)).length, 6);
  });

  it('counts pending events, delivered or not, until they are acknowledged', async () => {
    assert.equal(await log.pending('g'), 0);
    await appendAll(log, events(4));
    assert.equal(await log.pending('g'), 4);
    const got = await log.read('g', 'c1', 3, 0);
    assert.equal(await log.pending('g'), 4);
    assert.equal(await log.ack('g', [got[0]!.id, got[2]!.id]), 2);
    assert.equal(await log.pending('g'), 2);
    assert.equal(await log.ack('g', [got[0]!.id]), 0, 'acknowledging twice counts once');
    assert.equal(await log.ack('g', ['not-an-id']), 0);
    assert.equal(await log.ack('g', [got[1]!.id]), 1);
    assert.equal(await log.pending('g'), 1);
    assert.equal(await log.pending('other'), 4, 'another group acknowledges separately');
  });

  it('wakes a blocked read when an event is appended', async () => {
    const t0 = Date.now();
    const reading = log.read('g', 'c1', 10, 5000);
    await new Promise((r) => setTimeout(r, 50));
    await log.append(callStarted(1));
    const got = await reading;
    assert.deepEqual(got.map((x) => x.event.callId), ['call-1']);
    assert.ok(Date.now() - t0 < 3000, 'woke before the block timeout');
  });

  it('gives up a blocked read after blockMs with nothing', async () => {
    const t0 = Date.now();
    assert.deepEqual(await log.read('g', 'c1', 10, 150), []);
    assert.ok(Date.now() - t0 >= 100, `waited ${Date.now() - t0} ms`);
  });

  it('keeps appended events across close and reopen', async () => {
    const ids = await appendAll(log, events(3));
    await log.close();
    const again = await open();
    assert.deepEqual((await again.read('g', 'c1', 10, 0)).map((x) => x.id), ids);
  });

  it('delivers unacknowledged events again after a crash and restart, but not acknowledged ones', async () => {
    await appendAll(log, events(4));
    const first = await log.read('g', 'c1', 10, 0);
    assert.equal(first.length, 4);
    await log.ack('g', [first[1]!.id]);
    await log.close(); // the consumer "crashes": no more acknowledgements
    const again = await open();
    const redelivered = await again.read('g', 'c1', 10, 0);
    assert.deepEqual(redelivered.map((x) => x.event.callId), ['call-0', 'call-2', 'call-3']);
    assert.equal(await again.ack('g', redelivered.map((x) => x.id)), 3);
    assert.equal(await again.pending('g'), 0);
    await again.append(callStarted(9));
    assert.deepEqual((await again.read('g', 'c1', 10, 0)).map((x) => x.event.callId), ['call-9']);
  });

  it('hands events idle for minIdleMs to another consumer with claimStale', async () => {
    await appendAll(log, events(3));
    const taken = await log.read('g', 'dead', 10, 0);
    assert.equal(taken.length, 3);
    assert.deepEqual(await log.claimStale('g', 'live', 60_000, 10), [], 'not idle long enough');
    await new Promise((r) => setTimeout(r, 30));
    const claimed = await log.claimStale('g', 'live', 10, 2);
    assert.deepEqual(claimed.map((x) => x.id), taken.slice(0, 2).map((x) => x.id));
    assert.deepEqual(claimed.map((x) => x.event), taken.slice(0, 2).map((x) => x.event));
    assert.equal(await log.ack('g', claimed.map((x) => x.id)), 2);
    assert.equal(await log.pending('g'), 1);
  });

  it('reports the age of the oldest unacknowledged event', async () => {
    assert.equal(await log.oldestPendingAgeMs('g'), 0);
    await log.append(callStarted(1));
    await new Promise((r) => setTimeout(r, 60));
    await log.append(callStarted(2));
    const age = await log.oldestPendingAgeMs('g');
    assert.ok(age >= 40 && age < 5000, `age ${age}`);
    const got = await log.read('g', 'c1', 1, 0);
    assert.ok((await log.oldestPendingAgeMs('g')) >= 40, 'delivered but unacknowledged still counts');
    await log.ack('g', got.map((x) => x.id));
    assert.ok((await log.oldestPendingAgeMs('g')) < age, 'the next one is younger');
    await log.ack('g', (await log.read('g', 'c1', 1, 0)).map((x) => x.id));
    assert.equal(await log.oldestPendingAgeMs('g'), 0);
  });

  it('rejects an event that is not a valid call event, and appends after close', async () => {
    const bad = { ...callStarted(1), direction: 'sideways' } as unknown as CallEvent;
    await assert.rejects(log.append(bad), (e: unknown) => e instanceof LinegateError && e.code === 'EVENT_INVALID');
    await log.close();
    await log.close(); // idempotent
    await assert.rejects(log.append(callStarted(2)), (e: unknown) => e instanceof LinegateError && e.code === 'EVENT_LOG_CLOSED');
  });
}
