/**
 * What a REGISTER asks for (RFC 3261 §10.3 steps 6–7), checked before anything is
 * changed: a query (no Contact), `Contact: *` (remove all), or a list of contacts to add,
 * refresh or remove, each with its expiry already clamped to the configured range.
 * Refusals are values carrying the status to send: 400 for a malformed request, 423 with
 * Min-Expires for an interval below the minimum.
 */
import type { RegistrarSettings } from '../../config/index.js';
import { bindingId, type Binding } from '../../state/index.js';
import { parseContactList, parseNameAddr, splitOutside, type ContactEntry } from './contact-list.js';
import { formatSource } from './flow-source.js';
import type { FlowSource, RegistrarRequest } from './registrar-types.js';

export interface ContactChange {
  readonly binding: Binding;
  /** 0: remove the binding. */
  readonly expiresS: number;
}

export type RegisterPlan =
  | { readonly type: 'Query' }
  | { readonly type: 'RemoveAll'; readonly callId: string; readonly cseq: number }
  | { readonly type: 'Update'; readonly changes: readonly ContactChange[] };

export interface Refusal {
  readonly status: number;
  readonly reason: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type PlanResult =
  | { readonly ok: true; readonly toUser: string; readonly plan: RegisterPlan }
  | ({ readonly ok: false } & Refusal);

/** RFC 3261 §20.19: larger delta-seconds are taken as 2^32-1. */
const MAX_DELTA = 4294967295;

interface Common {
  readonly callId: string;
  readonly cseq: number;
  readonly path: readonly string[];
  readonly userAgent: string | undefined;
  readonly source: string;
}

export function planRegister(req: RegistrarRequest, settings: RegistrarSettings, flow: FlowSource): PlanResult {
  const to = parseNameAddr(req.get('To') ?? '');
  const toUser = to && /^sips?:([^@;?]+)@/i.exec(to.uri)?.[1];
  if (!toUser) return refuse(400, 'Invalid To');
  const cseq = Number(/^\s*(\d{1,10})\s/.exec(req.get('CSeq') ?? '')?.[1] ?? NaN);
  const callId = req.get('Call-ID')?.trim();
  if (!callId || !Number.isSafeInteger(cseq)) return refuse(400, 'Invalid Call-ID or CSeq');
  const headerExpires = parseDelta(req.get('Expires'));
  if (headerExpires === 'invalid') return refuse(400, 'Invalid Expires');
  const contactValue = req.get('Contact');
  if (contactValue === undefined || contactValue.trim() === '') return { ok: true, toUser: decodeUser(toUser), plan: { type: 'Query' } };
  const list = parseContactList(contactValue);
  if (!list.ok) return refuse(400, list.error === 'unparsable Contact' ? 'Invalid Contact' : 'Invalid Contact: *');
  if (list.star) {
    // §10.3 step 6: `*` only with Expires: 0.
    if (headerExpires !== 0) return refuse(400, 'Contact: * Requires Expires: 0');
    return { ok: true, toUser: decodeUser(toUser), plan: { type: 'RemoveAll', callId, cseq } };
  }
  const common: Common = { callId, cseq, path: pathOf(req), userAgent: req.get('User-Agent')?.trim() || undefined, source: formatSource(flow) };
  const changes = new Map<string, ContactChange>();
  for (const entry of list.contacts) {
    const change = contactChange(entry, headerExpires, settings, common);
    if ('status' in change) return { ok: false, ...change };
    changes.set(bindingId(change.binding), change); // the same contact twice: the last one counts
  }
  return { ok: true, toUser: decodeUser(toUser), plan: { type: 'Update', changes: [...changes.values()] } };
}

function contactChange(e: ContactEntry, headerExpires: number | undefined, s: RegistrarSettings, c: Common): ContactChange | Refusal {
  const param = e.params.get('expires');
  const own = param === undefined ? undefined : parseDelta(param ?? '');
  if (own === 'invalid') return { status: 400, reason: 'Invalid Contact expires' };
  const asked = own ?? headerExpires ?? s.defaultExpiresS;
  // §10.3 step 7: too brief → 423 with our minimum; too long → shortened.
  if (asked > 0 && asked < s.minExpiresS) return { status: 423, reason: 'Interval Too Brief', headers: { 'Min-Expires': String(s.minExpiresS) } };
  const q = parseQ(e.params.get('q'));
  if (q === 'invalid') return { status: 400, reason: 'Invalid Contact q' };
  const instanceId = e.params.get('+sip.instance') ?? undefined;
  const regIdText = e.params.get('reg-id');
  const regId = instanceId !== undefined && regIdText && /^\d{1,9}$/.test(regIdText) ? Number(regIdText) : undefined;
  const binding: Binding = {
    contact: e.uri,
    callId: c.callId,
    cseq: c.cseq,
    source: c.source,
    ...(q === undefined ? {} : { q }),
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(regId === undefined ? {} : { regId }),
    ...(c.path.length > 0 ? { path: c.path } : {}),
    ...(c.userAgent === undefined ? {} : { userAgent: c.userAgent }),
  };
  return { binding, expiresS: Math.min(asked, s.maxExpiresS) };
}

function parseDelta(v: string | undefined): number | undefined | 'invalid' {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (!/^\d+$/.test(t)) return 'invalid';
  return t.length > 10 ? MAX_DELTA : Math.min(Number(t), MAX_DELTA);
}

/** RFC 3261 §25.1 qvalue: 0 to 1 with up to three decimals. */
function parseQ(v: string | null | undefined): number | undefined | 'invalid' {
  if (v === undefined) return undefined;
  if (v === null || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v)) return 'invalid';
  return Number(v);
}

/** RFC 3327 §5.3: the Path values, in order, as the registrar must keep them. */
function pathOf(req: RegistrarRequest): string[] {
  const v = req.get('Path');
  return v ? splitOutside(v, ',').map((p) => p.trim()).filter((p) => p !== '') : [];
}

function decodeUser(u: string): string {
  try {
    return decodeURIComponent(u.split(':')[0] as string);
  } catch {
    return u;
  }
}

function refuse(status: number, reason: string): PlanResult {
  return { ok: false, status, reason };
}
