/**
 * What the worker remembers of a call whose Task Salesforce has confirmed: the fields last
 * written and the events (by seq) they cover. Kept in CrmKv under `crm:task:<callKey>`
 * for 30 days, so a note added after the call appends to the same Task's Description and
 * a redelivered event is recognised as already applied (pure functions here; the worker
 * does the kv I/O).
 */
import type { CrmJson } from '../ports.js';
import type { CallEvent } from '../../events/index.js';
import type { FoldedNote } from './call-fold.js';
import { describeNotes, whatIdFor, type TaskFields } from './task-projection.js';

export const TASK_STATE_TTL_MS = 30 * 24 * 3600 * 1000;

export interface WrittenTask {
  readonly kind: 'written';
  /** The Task's Salesforce Id, when a response gave it. */
  readonly id: string | undefined;
  /** As last confirmed by Salesforce (never TaskSubtype, which cannot be updated). */
  readonly fields: TaskFields;
  readonly whoType: 'Contact' | 'Lead' | undefined;
  /** Every event whose effect the fields include. */
  readonly seqs: readonly number[];
  readonly notes: readonly FoldedNote[];
  /**
   * A Description found on the Task in Salesforce when linegate had lost its own record of
   * it (kv expired or lost): kept verbatim, later notes follow it.
   */
  readonly prefix: string | undefined;
  readonly opportunityId: string | undefined;
}

/** The call's first write was dead-lettered: later events of the call join it there until a replay. */
export interface DeadLetteredTask {
  readonly kind: 'dead-lettered';
  readonly seqs: readonly number[];
}

export type TaskState = WrittenTask | DeadLetteredTask;

export function taskStateKey(callKey: string): string {
  return `crm:task:${callKey}`;
}

/** The call key: gateway id + call id, so several gateways can feed one org. */
export function callKeyOf(gatewayId: string, callId: string): string {
  return `${gatewayId}:${callId}`;
}

/**
 * Folds later events (notes, opportunity tags) into a written Task. Events already covered
 * are ignored; on a Task adopted from Salesforce a note whose text is already in the
 * adopted Description counts as covered (its seq was lost with the kv record).
 */
export function applyLaterEvents(state: WrittenTask, events: readonly CallEvent[]): { state: WrittenTask; changed: boolean } {
  const seqs = new Set(state.seqs);
  const notes = [...state.notes];
  let opportunityId = state.opportunityId;
  let oppSeq = -1;
  let changed = false;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (seqs.has(e.seq)) continue;
    seqs.add(e.seq);
    if (e.type === 'note.added') {
      if (state.prefix?.includes(e.text)) continue;
      notes.push({ seq: e.seq, text: e.text });
      changed = true;
    } else if (e.type === 'opportunity.tagged' && e.seq > oppSeq) {
      oppSeq = e.seq;
      changed ||= opportunityId !== e.opportunityId;
      opportunityId = e.opportunityId;
    }
  }
  notes.sort((a, b) => a.seq - b.seq);
  const { WhatId: _w, Description: _d, ...rest } = state.fields;
  const whatId = opportunityId !== undefined ? whatIdFor({ whoType: state.whoType }, opportunityId) : state.fields.WhatId;
  const description = describeNotes(state.prefix, notes);
  const fields: TaskFields = { ...rest, ...(whatId ? { WhatId: whatId } : {}), ...(description !== undefined ? { Description: description } : {}) };
  return { state: { ...state, fields, seqs: [...seqs].sort((a, b) => a - b), notes, opportunityId }, changed };
}

export function encodeTaskState(s: TaskState): CrmJson {
  if (s.kind === 'dead-lettered') return { v: 1, kind: s.kind, seqs: [...s.seqs] };
  return {
    v: 1,
    kind: s.kind,
    ...(s.id ? { id: s.id } : {}),
    fields: { ...s.fields } as Record<string, CrmJson>,
    ...(s.whoType ? { whoType: s.whoType } : {}),
    seqs: [...s.seqs],
    notes: s.notes.map((n) => [n.seq, n.text]),
    ...(s.prefix !== undefined ? { prefix: s.prefix } : {}),
    ...(s.opportunityId !== undefined ? { opportunityId: s.opportunityId } : {}),
  };
}

/** undefined for anything this version did not write (treated like a missing record). */
export function decodeTaskState(json: CrmJson | undefined): TaskState | undefined {
  if (!isObject(json) || json.v !== 1) return undefined;
  const seqs = numbers(json.seqs);
  if (!seqs) return undefined;
  if (json.kind === 'dead-lettered') return { kind: 'dead-lettered', seqs };
  if (json.kind !== 'written' || !isObject(json.fields)) return undefined;
  const notes = decodeNotes(json.notes);
  const fields = json.fields as unknown as TaskFields;
  if (!notes || typeof fields.Subject !== 'string' || typeof fields.CallObject !== 'string') return undefined;
  return {
    kind: 'written',
    id: typeof json.id === 'string' ? json.id : undefined,
    fields,
    whoType: json.whoType === 'Contact' || json.whoType === 'Lead' ? json.whoType : undefined,
    seqs,
    notes,
    prefix: typeof json.prefix === 'string' ? json.prefix : undefined,
    opportunityId: typeof json.opportunityId === 'string' ? json.opportunityId : undefined,
  };
}

function decodeNotes(v: CrmJson | undefined): FoldedNote[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: FoldedNote[] = [];
  for (const n of v as readonly CrmJson[]) {
    if (!Array.isArray(n) || typeof n[0] !== 'number' || typeof n[1] !== 'string') return undefined;
    out.push({ seq: n[0], text: n[1] });
  }
  return out;
}

function numbers(v: CrmJson | undefined): number[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return (v as readonly CrmJson[]).every((x) => typeof x === 'number') ? (v as number[]).slice() : undefined;
}

function isObject(v: CrmJson | undefined): v is { readonly [key: string]: CrmJson } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
