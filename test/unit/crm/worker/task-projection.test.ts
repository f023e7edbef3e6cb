import assert from 'node:assert/strict';
import type { CallEvent, Disposition } from '../../../../src/events/index.js';
import { foldCall, isComplete, missingSeqs } from '../../../../src/crm/worker/call-fold.js';
import { formatNumber, projectTask, TASK_LIMITS, type CallerMatch, type TaskFields } from '../../../../src/crm/worker/task-projection.js';
import { callEvents, type CallSpec } from '../../../helpers/crm-calls.js';

function task(spec: Partial<CallSpec>, caller?: CallerMatch, ownerId?: string): TaskFields {
  const events = callEvents({ callId: 'c1', ...spec });
  const r = projectTask(foldCall('c1', events), { ...(caller ? { caller } : {}), ...(ownerId ? { ownerId } : {}) });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.fields;
}

const JANE: CallerMatch = { name: 'Jane Doe', whoId: '003000000000001AAA', whoType: 'Contact', accountId: '001000000000001AAA' };
const LEAD: CallerMatch = { name: 'Lee Lead', whoId: '00Q000000000001AAA', whoType: 'Lead' };

describe('Task projection', () => {
  it('answered inbound call from a Contact: every field', () => {
    const t = task({ disposition: 'answered', durationS: 125, notes: ['asked for a quote'] }, JANE, '005000000000001AAA');
    assert.deepEqual(t, {
      Subject: 'Inbound call from Jane Doe',
      Type: 'Call',
      Status: 'Completed',
      CallType: 'Inbound',
      CallDurationInSeconds: 125,
      CallObject: 'c1',
      CallDisposition: 'answered',
      ActivityDate: '2024-05-01',
      WhoId: JANE.whoId,
      WhatId: JANE.accountId,
      OwnerId: '005000000000001AAA',
      Description: 'asked for a quote',
    });
    assert.equal('TaskSubtype' in t, false, 'TaskSubtype is added only to creates, by the writer');
  });

  const inbound: Array<[Disposition, string, string]> = [
    ['answered', 'answered', 'Inbound call from +1 415 555 0100'],
    ['missed', 'missed', 'Missed call from +1 415 555 0100'],
    ['cancelled', 'missed', 'Missed call from +1 415 555 0100'],
    ['busy', 'busy', 'Inbound call from +1 415 555 0100'],
    ['voicemail', 'voicemail', 'Voicemail from +1 415 555 0100'],
    ['rejected', 'rejected', 'Inbound call from +1 415 555 0100'],
    ['blocked', 'blocked', 'Inbound call from +1 415 555 0100'],
    ['failed', 'failed', 'Inbound call from +1 415 555 0100'],
  ];
  for (const [disposition, expected, subject] of inbound) {
    it(`inbound ${disposition} → CallDisposition ${expected}, "${subject}"`, () => {
      const t = task({ disposition });
      assert.equal(t.CallDisposition, expected);
      assert.equal(t.Subject, subject);
      assert.equal(t.CallType, 'Inbound');
      assert.equal(t.CallDurationInSeconds, disposition === 'answered' ? 42 : 0);
      assert.equal(t.WhoId, undefined);
      assert.equal(t.WhatId, undefined);
      assert.equal(t.OwnerId, undefined, 'omitted when the user has no Salesforce user id');
    });
  }

  for (const disposition of ['answered', 'busy', 'failed', 'cancelled'] as const) {
    it(`outbound ${disposition}: "Outbound call to …"`, () => {
      const t = task({ direction: 'outbound', disposition, remote: '+4930123456' }, JANE);
      assert.equal(t.Subject, 'Outbound call to Jane Doe');
      assert.equal(t.CallType, 'Outbound');
      assert.equal(t.CallDisposition, disposition === 'cancelled' ? 'missed' : disposition);
    });
  }

  it('a Lead is the WhoId and there is never a WhatId, even with a tagged opportunity', () => {
    const t = task({ opportunityId: '006000000000001AAA' }, LEAD);
    assert.equal(t.WhoId, LEAD.whoId);
    assert.equal(t.WhatId, undefined);
    assert.equal(t.Subject, 'Inbound call from Lee Lead');
  });

  it('a tagged opportunity is the WhatId of a Contact call (before the Account)', () => {
    const t = task({ opportunityId: '006000000000001AAA' }, JANE);
    assert.equal(t.WhatId, '006000000000001AAA');
  });

  it('an Account match (no Contact) is the WhatId without a WhoId', () => {
    const t = task({}, { name: 'Acme Corp', accountId: '001000000000009AAA' });
    assert.equal(t.WhoId, undefined);
    assert.equal(t.WhatId, '001000000000009AAA');
    assert.equal(t.Subject, 'Inbound call from Acme Corp');
  });

  it('names: Salesforce name, else the display name, else the number in international format', () => {
    assert.equal(task({ fromName: 'Caller ID Name' }, JANE).Subject, 'Inbound call from Jane Doe');
    assert.equal(task({ fromName: 'Caller ID Name' }).Subject, 'Inbound call from Caller ID Name');
    assert.equal(task({ disposition: 'missed', remote: '+442071838750' }).Subject, 'Missed call from +44 20 7183 8750');
    // A Contact linegate created for an unknown number is named after the number: show the number.
    const created = { name: '+14155550100 +14155550100', whoId: '003000000000002AAA', whoType: 'Contact' as const, createdByUs: true };
    assert.equal(task({}, created).Subject, 'Inbound call from +1 415 555 0100');
    // … and once the search index finds that Contact, its name is still the number.
    assert.equal(task({}, { ...created, createdByUs: undefined }).Subject, 'Inbound call from +1 415 555 0100');
    assert.equal(task({ remote: 'sip:anonymous@example.com' }).Subject, 'Inbound call from sip:anonymous@example.com');
    assert.equal(formatNumber('sip:+14155550100@carrier.example;user=phone'), '+1 415 555 0100');
  });

  it('ActivityDate is the UTC date of the start', () => {
    assert.equal(task({ at: '2024-05-01T23:30:00.000-05:00' }).ActivityDate, '2024-05-02');
    assert.equal(task({ at: '2024-12-31T23:59:59.000Z' }).ActivityDate, '2024-12-31');
  });

  it('Description: the notes in seq order, whatever order and duplicates the events come in', () => {
    const events = callEvents({ callId: 'c1', notes: ['first', 'second', 'third'] });
    const shuffled = [...events].reverse();
    const dupes = [...shuffled, ...events.map((e) => (e.type === 'note.added' ? { ...e, text: `${e.text} (dup)` } : e))];
    const r = projectTask(foldCall('c1', dupes));
    assert.ok(r.ok);
    assert.equal(r.fields.Description, 'first\n\nsecond\n\nthird');
  });

  it('clips Subject to 255 and Description to 32,000 characters (Salesforce Field Reference, Task)', () => {
    const t = task({ notes: ['x'.repeat(8000), 'y'.repeat(8000), 'z'.repeat(8000), 'w'.repeat(8000), 'v'.repeat(100)] }, { ...JANE, name: 'N'.repeat(400) });
    assert.equal(t.Subject.length, TASK_LIMITS.subject);
    assert.equal(t.Description?.length, TASK_LIMITS.description);
    assert.ok(t.Description?.endsWith('…'));
  });

  it('refuses a call without its start or its end', () => {
    const events = callEvents({ callId: 'c1' });
    assert.deepEqual(projectTask(foldCall('c1', events.slice(1))), { ok: false, reason: 'call.started is missing' });
    assert.deepEqual(projectTask(foldCall('c1', events.slice(0, -1))), { ok: false, reason: 'call.ended is missing' });
  });
});

describe('call fold', () => {
  it('keeps the first event of a seq, ignores other calls, and knows when nothing is missing', () => {
    const events = callEvents({ callId: 'c1', notes: ['n'] });
    const other: CallEvent = { ...(events[0] as CallEvent), callId: 'c2' };
    const fold = foldCall('c1', [...events, other, { ...(events[0] as CallEvent), at: '2030-01-01T00:00:00.000Z' }]);
    assert.equal(fold.started?.at, '2024-05-01T12:00:00.000Z');
    assert.deepEqual(fold.seqs, [1, 2, 3, 4, 5]);
    assert.equal(isComplete(fold), true);
    const gap = foldCall('c1', events.filter((e) => e.seq !== 2));
    assert.equal(isComplete(gap), false);
    assert.deepEqual(missingSeqs(gap), [2]);
    assert.equal(isComplete(foldCall('c1', events.slice(0, -1))), false, 'no call.ended');
  });
});
