/**
 * The Task of one call (pure). Field names, types and limits follow the Salesforce Object
 * Reference, "Task" (and the Field Reference Guide for lengths): Subject string(255),
 * Description textarea(32000), CallObject string(255), CallDisposition string(255),
 * CallType picklist Inbound/Outbound/Internal, ActivityDate a date (the UTC midnight
 * timestamp is not relevant), TaskSubtype createable but NOT updateable, WhoId a Contact
 * or Lead, WhatId an Account/Opportunity/… (Salesforce refuses a WhatId next to a Lead
 * WhoId). docs/crm.md "The Task of a call" has the same mapping as a table.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Disposition } from '../../events/index.js';
import type { CallFold, FoldedNote } from './call-fold.js';

/** Who is on the other end, as the lookup found them (crm/lookup's ResolvedCaller has this shape). */
export interface CallerMatch {
  readonly name?: string;
  readonly whoId?: string;
  readonly whoType?: 'Contact' | 'Lead';
  readonly accountId?: string;
  /** A record linegate created for an unknown number: its name is the number, so the Subject shows the number. */
  readonly createdByUs?: boolean;
}

/** The Task fields linegate writes. TaskSubtype is only ever sent on a create. */
export interface TaskFields {
  readonly Subject: string;
  readonly Type: 'Call';
  readonly Status: 'Completed';
  readonly CallType: 'Inbound' | 'Outbound';
  readonly CallDurationInSeconds: number;
  readonly CallObject: string;
  readonly CallDisposition: TaskDisposition;
  /** YYYY-MM-DD, the UTC date the call started. */
  readonly ActivityDate: string;
  readonly WhoId?: string;
  readonly WhatId?: string;
  readonly OwnerId?: string;
  readonly Description?: string;
}

export type TaskDisposition = Exclude<Disposition, 'cancelled'>;

export const TASK_LIMITS = { subject: 255, description: 32000, callObject: 255 } as const;

export interface ProjectionContext {
  readonly caller?: CallerMatch;
  /** The line user's Salesforce user id (dialplan users[].salesforceUserId); omitted when unknown. */
  readonly ownerId?: string;
  /** Description text adopted from an existing Task whose notes linegate no longer knows (see TaskState.prefix). */
  readonly descriptionPrefix?: string;
}

export type ProjectionResult = { readonly ok: true; readonly fields: TaskFields } | { readonly ok: false; readonly reason: string };

/** The Task for a complete call (call.started and call.ended folded in). */
export function projectTask(fold: CallFold, ctx: ProjectionContext = {}): ProjectionResult {
  const { started, ended } = fold;
  if (!started) return { ok: false, reason: 'call.started is missing' };
  if (!ended) return { ok: false, reason: 'call.ended is missing' };
  const disposition = taskDisposition(ended.disposition);
  const caller = ctx.caller;
  const whatId = whatIdFor(caller, fold.opportunityId);
  const description = describeNotes(ctx.descriptionPrefix, fold.notes);
  const fields: TaskFields = {
    Subject: clip(subjectFor(started.direction, disposition, partyLabel(fold, caller)), TASK_LIMITS.subject),
    Type: 'Call',
    Status: 'Completed',
    CallType: started.direction === 'inbound' ? 'Inbound' : 'Outbound',
    CallDurationInSeconds: ended.durationS,
    CallObject: clip(fold.callId, TASK_LIMITS.callObject),
    CallDisposition: disposition,
    ActivityDate: utcDate(started.at),
    ...(caller?.whoId ? { WhoId: caller.whoId } : {}),
    ...(whatId ? { WhatId: whatId } : {}),
    ...(ctx.ownerId ? { OwnerId: ctx.ownerId } : {}),
    ...(description !== undefined ? { Description: description } : {}),
  };
  return { ok: true, fields };
}

/** 'cancelled' (the caller hung up before an answer) is a missed call to the user. */
export function taskDisposition(d: Disposition): TaskDisposition {
  return d === 'cancelled' ? 'missed' : d;
}

export function subjectFor(direction: 'inbound' | 'outbound', disposition: TaskDisposition, who: string): string {
  if (direction === 'outbound') return `Outbound call to ${who}`;
  if (disposition === 'voicemail') return `Voicemail from ${who}`;
  if (disposition === 'missed') return `Missed call from ${who}`;
  return `Inbound call from ${who}`;
}

/**
 * WhatId: the tagged opportunity, else the Contact's (or a matched Account's) Account;
 * never next to a Lead: Salesforce relates a Lead only through WhoId and refuses a Task
 * with both (Object Reference, Task.WhoId; the write fails with FIELD_INTEGRITY_EXCEPTION).
 */
export function whatIdFor(caller: CallerMatch | undefined, opportunityId: string | undefined): string | undefined {
  if (caller?.whoType === 'Lead') return undefined;
  return opportunityId ?? caller?.accountId;
}

/** The remote party: the caller of an inbound call, the callee of an outbound one. */
export function remoteParty(fold: CallFold): string | undefined {
  const s = fold.started;
  if (!s) return undefined;
  return s.direction === 'inbound' ? s.from : s.to;
}

/** The remote party as E.164 when it is one (`+…`, or a sip:/tel: URI whose user part is one). */
export function remoteE164(fold: CallFold): string | undefined {
  const raw = remoteParty(fold);
  return raw === undefined ? undefined : asE164(raw);
}

export function asE164(raw: string): string | undefined {
  const user = /^(?:sips?|tel):([^@;]+)/i.exec(raw)?.[1] ?? raw;
  if (!/^\+[1-9]\d{1,14}$/.test(user)) return undefined;
  return parsePhoneNumberFromString(user)?.isPossible() ? user : undefined;
}

/** `+1 415 555 0100` for an E.164 number; anything else as written. */
export function formatNumber(raw: string): string {
  const e164 = asE164(raw);
  if (!e164) return raw;
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** Notes in seq order, after any adopted prefix, blank line between; cut to Salesforce's 32,000. */
export function describeNotes(prefix: string | undefined, notes: readonly FoldedNote[]): string | undefined {
  const parts = [...(prefix ? [prefix] : []), ...[...notes].sort((a, b) => a.seq - b.seq).map((n) => n.text)];
  if (parts.length === 0) return undefined;
  return clip(parts.join('\n\n'), TASK_LIMITS.description);
}

function partyLabel(fold: CallFold, caller: CallerMatch | undefined): string {
  // A name without a letter is a placeholder (linegate names the Contacts it creates after
  // the number, and the search index finds them so once it catches up): show the number.
  if (caller?.name && !caller.createdByUs && /\p{L}/u.test(caller.name)) return caller.name;
  const s = fold.started;
  if (s?.direction === 'inbound' && s.fromName) return s.fromName;
  const raw = remoteParty(fold);
  return raw === undefined ? 'unknown' : formatNumber(raw);
}

function utcDate(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at.slice(0, 10) : d.toISOString().slice(0, 10);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
