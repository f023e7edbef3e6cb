/**
 * The CRM worker against the Salesforce emulator: every Task field for each kind of call,
 * WhoId/WhatId rules (Contact, Lead, Account, opportunity), notes during and after the call
 * updating the same Task, external-id and CallObject modes, and batching.
 */
import assert from 'node:assert/strict';
import type { CallEvent } from '../../src/events/index.js';
import { callEvents, laterNote, laterTag, type CallSpec } from '../helpers/crm-calls.js';
import { CALL_KEY, startCrmBed, tasksByCall, type CrmBed } from './crm-worker-bed.js';

describe('CRM worker → Salesforce emulator', function () {
  this.timeout(30_000);
  let bed: CrmBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  function only(callId: string): Record<string, unknown> {
    const list = tasksByCall((bed as CrmBed).sf).get(callId) ?? [];
    assert.equal(list.length, 1, `exactly one Task for ${callId}, found ${list.length}`);
    return list[0] as Record<string, unknown>;
  }

  it('an answered call from a known Contact: every field of the Task', async () => {
    bed = await startCrmBed();
    const account = bed.sf.seed('Account', { Name: 'Acme' });
    const jane = bed.sf.seed('Contact', { FirstName: 'Jane', LastName: 'Doe', Phone: '(415) 555-0100', AccountId: account });
    await bed.append(callEvents({ callId: 'c-answered', remote: '+14155550100', durationS: 61, notes: ['wants a quote'], at: '2024-05-01T23:30:00.000-05:00' }));
    await bed.drained();
    const t = only('c-answered');
    assert.equal(t.TaskSubtype, 'Call');
    assert.equal(t.Type, 'Call');
    assert.equal(t.Subject, 'Inbound call from Jane Doe');
    assert.equal(t.CallType, 'Inbound');
    assert.equal(t.CallDurationInSeconds, 61);
    assert.equal(t.CallObject, 'c-answered');
    assert.equal(t.CallDisposition, 'answered');
    assert.equal(t.Status, 'Completed');
    assert.equal(t.ActivityDate, '2024-05-02', 'the UTC date of the start');
    assert.equal(t.WhoId, jane);
    assert.equal(t.WhatId, account);
    assert.equal(t.OwnerId, bed.owners.get('alice'));
    assert.equal(t.Description, 'wants a quote');
    assert.equal(t[CALL_KEY], 'gw1:c-answered');
  });

  it('each disposition, inbound and outbound', async () => {
    bed = await startCrmBed({ yaml: 'unknownCallers: { mode: none }' });
    const cases: Array<[string, CallEvent[], string, string]> = [];
    const add = (id: string, spec: Omit<CallSpec, 'callId'>, disposition: string, subject: string): void => {
      cases.push([id, callEvents({ ...spec, callId: id }), disposition, subject]);
    };
    add('in-missed', { disposition: 'missed', remote: '+14155550101' }, 'missed', 'Missed call from +1 415 555 0101');
    add('in-cancelled', { disposition: 'cancelled', remote: '+14155550102' }, 'missed', 'Missed call from +1 415 555 0102');
    add('in-busy', { disposition: 'busy', remote: '+14155550103' }, 'busy', 'Inbound call from +1 415 555 0103');
    add('in-voicemail', { disposition: 'voicemail', remote: '+14155550104' }, 'voicemail', 'Voicemail from +1 415 555 0104');
    add('in-rejected', { disposition: 'rejected', remote: '+14155550105' }, 'rejected', 'Inbound call from +1 415 555 0105');
    add('in-blocked', { disposition: 'blocked', remote: '+14155550106' }, 'blocked', 'Inbound call from +1 415 555 0106');
    add('in-failed', { disposition: 'failed', remote: '+14155550107' }, 'failed', 'Inbound call from +1 415 555 0107');
    add('out-answered', { direction: 'outbound', remote: '+442071838750' }, 'answered', 'Outbound call to +44 20 7183 8750');
    add('out-busy', { direction: 'outbound', disposition: 'busy', remote: '+442071838750' }, 'busy', 'Outbound call to +44 20 7183 8750');
    for (const [, events] of cases) await bed.append(events);
    await bed.drained();
    for (const [id, , disposition, subject] of cases) {
      const t = only(id);
      assert.equal(t.CallDisposition, disposition, id);
      assert.equal(t.Subject, subject, id);
      assert.equal(t.CallType, id.startsWith('out') ? 'Outbound' : 'Inbound', id);
      assert.equal(t.CallDurationInSeconds, disposition === 'answered' ? 42 : 0, id);
      assert.equal(t.WhoId, null, `${id}: unknown callers create nothing in mode none`);
    }
  });

  it('a Lead is the WhoId with no WhatId even when an opportunity is tagged; a Contact call takes the opportunity', async () => {
    bed = await startCrmBed();
    const lead = bed.sf.seed('Lead', { FirstName: 'Lee', LastName: 'Lead', Company: 'Prospects Inc', MobilePhone: '+1 415-555-0110' });
    const account = bed.sf.seed('Account', { Name: 'Acme' });
    const contact = bed.sf.seed('Contact', { FirstName: 'Con', LastName: 'Tact', MobilePhone: '4155550111', AccountId: account });
    const opp = bed.sf.seed('Opportunity', { Name: 'Big deal', StageName: 'Prospecting', CloseDate: '2024-12-31', AccountId: account });
    await bed.append(callEvents({ callId: 'lead-call', remote: '+14155550110', opportunityId: opp }));
    await bed.append(callEvents({ callId: 'contact-call', remote: '+14155550111', opportunityId: opp }));
    await bed.drained();
    const l = only('lead-call');
    assert.equal(l.WhoId, lead);
    assert.equal(l.WhatId, null);
    assert.equal(l.Subject, 'Inbound call from Lee Lead');
    const c = only('contact-call');
    assert.equal(c.WhoId, contact);
    assert.equal(c.WhatId, opp);
  });

  for (const ext of [true, false]) {
    it(`notes during and after the call, and a later tag, update the same Task (${ext ? 'external id' : 'CallObject'} mode)`, async () => {
      bed = await startCrmBed({ ext });
      const account = bed.sf.seed('Account', { Name: 'Acme' });
      bed.sf.seed('Contact', { FirstName: 'Jane', LastName: 'Doe', Phone: '+1 415-555-0100', AccountId: account });
      const opp = bed.sf.seed('Opportunity', { Name: 'Renewal', StageName: 'Prospecting', CloseDate: '2024-12-31', AccountId: account });
      const events = callEvents({ callId: 'noted', notes: ['during 1', 'during 2'] });
      await bed.append(events);
      await bed.drained();
      assert.equal(only('noted').Description, 'during 1\n\nduring 2');
      const after = laterNote(events, 'after the call');
      await bed.append([after]);
      await bed.drained();
      const tag = laterTag([...events, after], opp);
      await bed.append([tag]);
      await bed.drained();
      const t = only('noted');
      assert.equal(t.Description, 'during 1\n\nduring 2\n\nafter the call');
      assert.equal(t.WhatId, opp);
      assert.equal(t.TaskSubtype, 'Call');
      // A restart re-reads nothing and writes nothing: everything was acknowledged.
      const before = bed.sf.apiCalls().collections;
      await bed.restart();
      await bed.append([laterNote([...events, after, tag], 'next day')]);
      await bed.drained();
      assert.equal(only('noted').Description, 'during 1\n\nduring 2\n\nafter the call\n\nnext day');
      assert.equal(bed.sf.apiCalls().collections, before + 1);
      // The worker's and the client's metrics, from the registry /metrics serves.
      const text = await bed.registry.metrics();
      assert.match(text, /^linegate_crm_tasks_updated_total 1$/m, 'the restarted worker updated once');
      assert.match(text, /^linegate_crm_events_consumed_total 1$/m);
      assert.match(text, /^linegate_crm_sf_api_calls_total\{kind="login"\} 1$/m);
      assert.match(text, /^linegate_crm_governor_state 0$/m);
      assert.match(text, /^linegate_crm_oldest_unacked_event_age_seconds /m);
    });
  }

  it('batching: 450 calls → 3 upserts in external-id mode; CallObject mode → 3 SOQL + 3 creates', async () => {
    for (const ext of [true, false]) {
      bed = await startCrmBed({ ext, yaml: 'unknownCallers: { mode: none }' });
      bed.sf.seed('Contact', { LastName: 'Known', Phone: '+14155550100' });
      const all: CallEvent[] = [];
      for (let i = 0; i < 450; i++) all.push(...callEvents({ callId: `b-${i}` }));
      await bed.running.close(); // fill the log first, so the batches are full
      await bed.append(all);
      await bed.restart();
      await bed.drained(20_000);
      const calls = bed.sf.apiCalls();
      assert.equal(bed.sf.records('Task').length, 450);
      if (ext) {
        assert.equal(calls.collections, 3, JSON.stringify(calls));
        assert.equal(calls.soql, 0);
      } else {
        assert.equal(calls.soql, 3, JSON.stringify(calls));
        assert.equal(calls.collections, 3, JSON.stringify(calls));
      }
      assert.equal(calls.sosl, 1, 'one number, looked up once');
      await bed.close();
      bed = undefined;
    }
  });

  it('an unknown number becomes a Contact once; a second call before the search index catches up reuses it', async () => {
    bed = await startCrmBed({ emulator: { searchIndexLagMs: 60_000 } });
    await bed.append(callEvents({ callId: 'first', remote: '+14155550150' }));
    await bed.drained();
    await bed.append(callEvents({ callId: 'second', remote: '+14155550150', disposition: 'missed' }));
    await bed.drained();
    const contacts = bed.sf.records('Contact');
    assert.equal(contacts.length, 1);
    assert.equal(contacts[0]?.MobilePhone, '+14155550150');
    assert.equal(only('first').WhoId, contacts[0]?.Id);
    assert.equal(only('second').WhoId, contacts[0]?.Id);
    assert.equal(only('second').Subject, 'Missed call from +1 415 555 0150');
    assert.deepEqual(bed.sf.records('Account').map((a) => a.Name), ['Unknown Callers']);
  });
});
