import assert from 'node:assert/strict';
import type { CrmJson } from '../../../../src/crm/ports.js';
import { foldCall } from '../../../../src/crm/worker/call-fold.js';
import { projectTask } from '../../../../src/crm/worker/task-projection.js';
import { applyLaterEvents, decodeTaskState, encodeTaskState, type WrittenTask } from '../../../../src/crm/worker/task-state.js';
import { callEvents, laterNote, laterTag } from '../../../helpers/crm-calls.js';

function written(whoType: 'Contact' | 'Lead' | undefined, opts: { prefix?: string } = {}): WrittenTask {
  const events = callEvents({ callId: 'c1', notes: ['one'] });
  const fold = foldCall('c1', events);
  const caller = whoType === 'Lead' ? { whoId: '00QL', whoType } : whoType === 'Contact' ? { whoId: '003C', whoType, accountId: '001A' } : undefined;
  const p = projectTask(fold, caller ? { caller } : {});
  assert.ok(p.ok);
  return { kind: 'written', id: '00T1', fields: p.fields, whoType, seqs: fold.seqs, notes: fold.notes, prefix: opts.prefix, opportunityId: undefined };
}

describe('Task state', () => {
  const events = callEvents({ callId: 'c1', notes: ['one'] });

  it('appends later notes in seq order and ignores events already covered', () => {
    const n1 = laterNote(events, 'two');
    const n2 = laterNote([...events, n1], 'three');
    const a = applyLaterEvents(written('Contact'), [n2, n1, events[0]!]);
    assert.equal(a.changed, true);
    assert.equal(a.state.fields.Description, 'one\n\ntwo\n\nthree');
    assert.deepEqual(a.state.seqs, [...events.map((e) => e.seq), n1.seq, n2.seq]);
    const b = applyLaterEvents(a.state, [n1, n2]);
    assert.equal(b.changed, false);
    assert.deepEqual(b.state, a.state);
  });

  it('a later opportunity tag becomes the WhatId of a Contact call, never of a Lead call', () => {
    const tag = laterTag(events, '006OPP');
    assert.equal(applyLaterEvents(written('Contact'), [tag]).state.fields.WhatId, '006OPP');
    const lead = applyLaterEvents(written('Lead'), [tag]).state.fields;
    assert.equal(lead.WhatId, undefined);
    assert.equal(lead.WhoId, '00QL');
  });

  it('on a Task adopted from Salesforce, a note already in its Description is not added twice', () => {
    const adopted = { ...written(undefined, { prefix: 'one\n\ntwo' }), notes: [], seqs: [] };
    const a = applyLaterEvents(adopted, [laterNote(events, 'two'), laterNote([...events, laterNote(events, 'x')], 'three')]);
    assert.equal(a.state.fields.Description, 'one\n\ntwo\n\nthree');
  });

  it('round-trips through CrmKv JSON; anything else reads as no state', () => {
    const s = written('Contact');
    assert.deepEqual(decodeTaskState(encodeTaskState(s)), s);
    assert.deepEqual(decodeTaskState(encodeTaskState({ kind: 'dead-lettered', seqs: [1, 2] })), { kind: 'dead-lettered', seqs: [1, 2] });
    const junks: CrmJson[] = [null, 'x', 3, [], { v: 2, kind: 'written' }, { v: 1, kind: 'written', seqs: [1] }, { v: 1, kind: 'other', seqs: [] }];
    for (const junk of junks) {
      assert.equal(decodeTaskState(junk), undefined, JSON.stringify(junk));
    }
  });
});
