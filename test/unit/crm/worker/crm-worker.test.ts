import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifySalesforceError } from '../../../../src/crm/salesforce/index.js';
import { CrmWorker, type CrmWorkerOptions } from '../../../../src/crm/worker/crm-worker.js';
import { FileDeadLetterStore, parseDeadLetters, type DeadLetter } from '../../../../src/crm/worker/dead-letter-store.js';
import type { CallEvent } from '../../../../src/events/index.js';
import { systemClock } from '../../../../src/shared/index.js';
import { MemoryStore } from '../../../../src/state/index.js';
import { callEvents, laterNote, laterTag } from '../../../helpers/crm-calls.js';
import { FakeEventSource, FakeLookup, FakeTaskSink, sfFailure, until } from './fakes.js';

const EXT = 'Linegate_Call_Key__c';

interface Bed {
  source: FakeEventSource;
  sink: FakeTaskSink;
  kv: MemoryStore;
  lookup: FakeLookup;
  deadLetters: FileDeadLetterStore;
  notified: DeadLetter[][];
  worker: CrmWorker;
  dir: string;
  restartWorker(overrides?: Partial<CrmWorkerOptions>): Promise<void>;
}

let beds: Bed[] = [];

async function bed(overrides: Partial<CrmWorkerOptions> = {}, preload: CallEvent[] = []): Promise<Bed> {
  const dir = await mkdtemp(join(tmpdir(), 'linegate-crm-worker-'));
  const source = new FakeEventSource();
  source.append(...preload);
  const sink = new FakeTaskSink();
  const kv = new MemoryStore();
  await kv.start();
  const lookup = new FakeLookup();
  const deadLetters = new FileDeadLetterStore({ dir });
  const notified: DeadLetter[][] = [];
  const make = (o: Partial<CrmWorkerOptions>): CrmWorker => new CrmWorker({
    source, kv, sink, lookup, deadLetters, classify: classifySalesforceError, gatewayId: 'gw1',
    notifier: { notify: async (e) => void notified.push([...e]) },
    ownerOf: (u) => (u === 'alice' ? '005000000000001AAA' : undefined),
    clock: systemClock, batch: { maxWaitMs: 5 }, read: { blockMs: 5, max: 10_000 }, claim: { intervalMs: 3_600_000 },
    retry: { baseMs: 1, maxMs: 5, maxAttempts: 4 }, graceMs: 50,
    ...overrides, ...o,
  });
  const b: Bed = {
    source, sink, kv, lookup, deadLetters, notified, dir, worker: make({}),
    async restartWorker(o = {}) {
      await b.worker.close();
      source.restart();
      b.worker = make(o);
      b.worker.start();
    },
  };
  b.worker.start();
  beds.push(b);
  return b;
}

afterEach(async () => {
  for (const b of beds) {
    await b.worker.close();
    await b.kv.close();
    await rm(b.dir, { recursive: true, force: true });
  }
  beds = [];
});

function calls(n: number, from = 0): CallEvent[] {
  const out: CallEvent[] = [];
  for (let i = from; i < from + n; i++) out.push(...callEvents({ callId: `call-${i}`, remote: `+1415555${String(1000 + (i % 50)).padStart(4, '0')}` }));
  return out;
}

const allAcked = (b: Bed) => () => b.source.unacked().length === 0;

describe('CrmWorker', function () {
  this.timeout(10_000);

  it('external-id mode: N calls → ceil(N/200) upserts, one Task each, every event acknowledged', async () => {
    const b = await bed({ externalIdField: EXT }, calls(450));
    await until(allAcked(b), 5000, 'every event acked');
    assert.deepEqual(b.sink.requests.map((r) => [r.op, r.n]), [['upsert', 200], ['upsert', 200], ['upsert', 50]]);
    assert.equal(b.sink.tasks.size, 450);
    const t = b.sink.byField(EXT, 'gw1:call-7')[0];
    assert.equal(t?.CallObject, 'call-7');
    assert.equal(t?.TaskSubtype, 'Call');
    assert.equal(t?.OwnerId, '005000000000001AAA');
    assert.equal(t?.Subject, 'Inbound call from +1 415 555 1007');
    assert.equal(b.lookup.resolveCalls.length, 3, 'callers resolved once per batch');
    assert.equal(new Set(b.lookup.resolveCalls[0]).size, b.lookup.resolveCalls[0]?.length, 'each number once');
  });

  it('CallObject mode: one SOQL and one create per batch; a repeated write after lost acks and lost state updates instead of duplicating', async () => {
    const b = await bed({}, calls(250));
    await until(allAcked(b), 5000, 'every event acked');
    assert.deepEqual(b.sink.requests.map((r) => r.op), ['find', 'create', 'find', 'create']);
    assert.equal(b.sink.tasks.size, 250);
    // The worst crash: acknowledgements and the kv state both lost; everything comes again.
    b.source.acked.clear();
    for (let i = 0; i < 250; i++) await b.kv.kvDelete(`crm:task:gw1:call-${i}`);
    b.sink.requests.length = 0;
    b.sink.sent.length = 0;
    await b.restartWorker();
    await until(allAcked(b), 5000, 'every event acked again');
    assert.equal(b.sink.tasks.size, 250, 'no duplicate Task');
    assert.deepEqual(b.sink.requests.map((r) => r.op), ['find', 'update', 'find', 'update']);
    assert.ok(b.sink.sent.every((s) => s.records.every((r) => !('TaskSubtype' in r))), 'never TaskSubtype on an update');
  });

  it('acknowledges an event only after Salesforce confirmed the write covering it', async () => {
    let release!: () => void;
    const b = await bed({ externalIdField: EXT });
    b.sink.hangNext(new Promise<void>((r) => (release = r)));
    b.source.append(...calls(3));
    await until(() => b.sink.requests.length === 1, 2000, 'the upsert');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(b.source.acked.size, 0, 'nothing acked while Salesforce has not answered');
    release();
    await until(allAcked(b), 2000, 'acks after the answer');
    const state = await b.kv.kvGet('crm:task:gw1:call-0');
    assert.equal((state as { kind: string }).kind, 'written', 'state saved before the ack');
  });

  it('a note and a tag after the call update the same Task (Description appended, no TaskSubtype)', async () => {
    const events = callEvents({ callId: 'c1', notes: ['during the call'] });
    const b = await bed({ externalIdField: EXT }, events);
    b.lookup.known.set('+14155550100', { name: 'Jane Doe', whoId: '003J', whoType: 'Contact', accountId: '001A' });
    await until(allAcked(b), 2000, 'first write');
    const note = laterNote(events, 'called back, all good');
    b.source.append(note);
    await until(allAcked(b), 2000, 'note written');
    b.source.append(laterTag([...events, note], '006OPP'));
    await until(allAcked(b), 2000, 'tag written');
    assert.equal(b.sink.tasks.size, 1);
    const t = b.sink.byField(EXT, 'gw1:c1')[0];
    assert.equal(t?.Description, 'during the call\n\ncalled back, all good');
    assert.equal(t?.WhatId, '006OPP');
    assert.equal(t?.WhoId, '003J');
    const updates = b.sink.sent.slice(1).flatMap((s) => s.records);
    assert.equal(updates.length, 2);
    assert.ok(updates.every((r) => !('TaskSubtype' in r)));
  });

  it('retries a locked record and a record over the limit, then succeeds', async () => {
    const b = await bed({ externalIdField: EXT });
    let fails = 2;
    b.sink.recordError = (r) => (r[EXT] === 'gw1:call-1' && fails-- > 0 ? { code: fails === 1 ? 'UNABLE_TO_LOCK_ROW' : 'REQUEST_LIMIT_EXCEEDED', message: 'busy', fields: [] } : undefined);
    b.source.append(...calls(3));
    await until(allAcked(b), 3000, 'all written');
    assert.equal(b.sink.tasks.size, 3);
    assert.equal(b.notified.length, 0);
    assert.equal(await b.deadLetters.count(), 0);
  });

  it('a permanent record error dead-letters the call (reason, events, notification) and acks it; the others are written', async () => {
    const b = await bed({ externalIdField: EXT });
    b.sink.recordError = (r) => (r[EXT] === 'gw1:call-1' ? { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Subject must not mention prices', fields: ['Subject'] } : undefined);
    b.source.append(...calls(3));
    await until(allAcked(b), 3000, 'all settled');
    assert.equal(b.sink.tasks.size, 2);
    const letters = parseDeadLetters(await readFile(b.deadLetters.path, 'utf8'));
    assert.equal(letters.length, 1);
    assert.equal(letters[0]?.callId, 'call-1');
    assert.equal(letters[0]?.code, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.deepEqual(letters[0]?.fields, ['Subject']);
    assert.equal(letters[0]?.events.length, 4);
    await until(() => b.notified.length === 1, 1000, 'notification');
    assert.equal(b.notified[0]?.[0]?.callKey, 'gw1:call-1');
  });

  it('a later event of a dead-lettered call joins the dead letter; replay after the fix writes the call with every event', async () => {
    const events = callEvents({ callId: 'c9' });
    const b = await bed({ externalIdField: EXT }, events);
    b.sink.recordError = () => ({ code: 'INVALID_FIELD', message: 'No such column', fields: [EXT] });
    await until(allAcked(b), 3000, 'dead-lettered');
    const note = laterNote(events, 'after the fact');
    b.source.append(note);
    await until(allAcked(b), 3000, 'note dead-lettered too');
    assert.equal(await b.deadLetters.count(), 2);
    assert.equal(b.notified.length, 1, 'one notification: the note only joins the call');
    b.sink.recordError = undefined; // the cause is fixed
    const report = await b.worker.replayDeadLetters();
    assert.deepEqual(report, { entries: 2, calls: 1, written: 1, deadLettered: 0 });
    assert.equal(await b.deadLetters.count(), 0);
    const t = b.sink.byField(EXT, 'gw1:c9')[0];
    assert.equal(t?.Description, 'after the fact');
    assert.equal(t?.TaskSubtype, 'Call');
  });

  it('a whole request failing transiently is retried without acknowledging; a permanent one dead-letters', async () => {
    const b = await bed({ externalIdField: EXT });
    b.sink.failNext(sfFailure('SERVER_UNAVAILABLE', false));
    b.source.append(...calls(2));
    await until(allAcked(b), 3000, 'written after the outage');
    assert.equal(b.sink.tasks.size, 2);
    assert.equal(b.sink.requests.length, 2);
    b.sink.failNext(sfFailure('INVALID_FIELD', true));
    b.source.append(...calls(1, 10));
    await until(allAcked(b), 3000, 'dead-lettered');
    assert.equal(await b.deadLetters.count(), 1);
  });

  it('a Task that already exists (crash after the write, state lost) is updated without TaskSubtype', async () => {
    const events = callEvents({ callId: 'dup' });
    const b = await bed({ externalIdField: EXT });
    await b.sink.upsert(EXT, [{ [EXT]: 'gw1:dup', Subject: 'old', TaskSubtype: 'Call' }]);
    b.source.append(...events);
    await until(allAcked(b), 3000, 'written');
    assert.equal(b.sink.tasks.size, 1);
    const t = b.sink.byField(EXT, 'gw1:dup')[0];
    assert.equal(t?.Subject, 'Inbound call from +1 415 555 0100');
    const last = b.sink.sent[b.sink.sent.length - 1]?.records[0];
    assert.equal(last && 'TaskSubtype' in last, false);
  });

  it('events a saved state already covers are acknowledged without a write', async () => {
    const b = await bed({ externalIdField: EXT }, calls(5));
    await until(allAcked(b), 3000, 'written');
    const before = b.sink.requests.length;
    b.source.acked.clear(); // acks lost, kv state kept
    await b.restartWorker();
    await until(allAcked(b), 3000, 'acked again');
    assert.equal(b.sink.requests.length, before, 'no second write');
  });

  it('a call without its start waits for it, then adopts the Task found in Salesforce (state lost): the note is appended once', async () => {
    const events = callEvents({ callId: 'old', notes: ['first note'] });
    const b = await bed({ externalIdField: EXT }, events);
    await until(allAcked(b), 3000, 'written');
    await b.kv.kvDelete('crm:task:gw1:old');
    await b.restartWorker();
    const note = laterNote(events, 'second note');
    b.source.append(note);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(b.source.acked.has(String(b.source.log.length)), false, 'waits out the grace period');
    await until(allAcked(b), 3000, 'adopted and updated');
    assert.equal(b.sink.byField(EXT, 'gw1:old')[0]?.Description, 'first note\n\nsecond note');
    assert.equal(b.sink.tasks.size, 1);
  });

  it('resolves callers in bulk and creates unknown ones in one request per batch', async () => {
    const b = await bed({ externalIdField: EXT, lookup: new FakeLookup(new Map(), 'contact') });
    const lookup = (b.worker as unknown as { o: { lookup: FakeLookup } }).o.lookup;
    b.source.append(...calls(60));
    await until(allAcked(b), 3000, 'written');
    assert.equal(lookup.resolveCalls.length, 1);
    assert.equal(lookup.createCalls.length, 1);
    assert.equal(lookup.createCalls[0]?.length, 50, 'each unknown number once');
    const t = b.sink.byField(EXT, 'gw1:call-3')[0];
    assert.equal(t?.WhoId, '003NEW14155551003');
    assert.equal(t?.WhatId, '001UNKNOWNCALLERS');
    assert.equal(t?.Subject, 'Inbound call from +1 415 555 1003', 'a created Contact is shown as its number');
  });

  it('two gateways with the same call ids feed one org without colliding (external-id mode)', async () => {
    const b = await bed({ externalIdField: EXT }, calls(3));
    const other = new FakeEventSource();
    other.append(...calls(3));
    const gw2 = new CrmWorker({
      source: other, kv: b.kv, sink: b.sink, deadLetters: b.deadLetters, classify: classifySalesforceError, gatewayId: 'gw2',
      externalIdField: EXT, clock: systemClock, batch: { maxWaitMs: 5 }, read: { blockMs: 5 }, claim: { intervalMs: 3_600_000 },
    });
    gw2.start();
    try {
      await until(() => allAcked(b)() && other.unacked().length === 0, 3000, 'both drained');
    } finally {
      await gw2.close();
    }
    assert.equal(b.sink.tasks.size, 6);
    assert.equal(b.sink.byField('CallObject', 'call-1').length, 2);
    assert.deepEqual(b.sink.byField('CallObject', 'call-1').map((t) => t[EXT]).sort(), ['gw1:call-1', 'gw2:call-1']);
  });

  it('backpressure never stalls: with memory full of calls in progress it keeps reading until they end', async () => {
    const b = await bed({ externalIdField: EXT, maxHeldEvents: 5 });
    const all = Array.from({ length: 10 }, (_, i) => callEvents({ callId: `long-${i}` }));
    b.source.append(...all.flatMap((c) => c.slice(0, 2)));
    await until(() => b.worker.stats().events === 20, 2000, 'all starts read');
    b.source.append(...all.flatMap((c) => c.slice(2)));
    await until(allAcked(b), 3000, 'all written');
    assert.equal(b.sink.tasks.size, 10);
  });

  it('close() writes what is ready and leaves calls in progress unacknowledged', async () => {
    const b = await bed({ externalIdField: EXT, batch: { maxWaitMs: 60_000 } });
    const inProgress = callEvents({ callId: 'live' }).slice(0, 2);
    b.source.append(...calls(3), ...inProgress);
    await until(() => b.worker.stats().calls === 4, 2000, 'read');
    assert.equal(b.sink.requests.length, 0, 'waiting for the batch to fill');
    await b.worker.close();
    assert.equal(b.sink.tasks.size, 3);
    assert.deepEqual(b.source.unacked().map((e) => e.event.callId), ['live', 'live']);
  });
});
