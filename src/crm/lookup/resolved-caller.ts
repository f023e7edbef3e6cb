/**
 * A resolved caller and how it is kept in the Store's kv space (CrmKv). Values read back
 * are checked field by field: the kv space is shared, and a malformed value is a miss,
 * never an exception.
 */
import type { CrmJson } from '../ports.js';

export interface ResolvedCaller {
  readonly e164: string;
  /** Display name; undefined for unknown callers and for records linegate created (their name is the number). */
  readonly name?: string;
  /** The Task's WhoId: a Contact or a Lead. */
  readonly whoId?: string;
  readonly whoType?: 'Contact' | 'Lead';
  /** The Contact's Account, or the Account whose phone matched. */
  readonly accountId?: string;
  /** The Contact or Lead was created by linegate for an unknown number. */
  readonly createdByUs?: boolean;
}

/** kv keys (one prefix per kind of value, so an operator can find and drop them). */
export const callerKeys = {
  /** The cached result of a lookup, positive or negative. */
  cache: (e164: string) => `crm:caller:${e164}`,
  /** Read by the call path's StoreContactDirectory (src/b2bua directoryKey). */
  directoryName: (e164: string) => `directory:name:${e164}`,
  /** The record linegate created for an unknown number (or a claim to create it). */
  created: (e164: string) => `crm:created:${e164}`,
  /** The Account unknown callers' Contacts go under. */
  defaultAccount: (name: string) => `crm:default-account:${name}`,
  defaultAccountClaim: (name: string) => `crm:default-account-claim:${name}`,
} as const;

/** A found caller, or 'unknown' (the negative cache). */
export type CachedLookup = ResolvedCaller | 'unknown';

export function encodeLookup(entry: CachedLookup): CrmJson {
  if (entry === 'unknown') return { found: false };
  const { e164: _e164, ...fields } = entry;
  return { found: true, ...dropUndefined(fields) };
}

export function decodeLookup(e164: string, value: CrmJson | undefined): CachedLookup | undefined {
  if (!isObject(value) || typeof value['found'] !== 'boolean') return undefined;
  if (!value['found']) return 'unknown';
  const whoType = value['whoType'];
  return dropUndefined<ResolvedCaller>({
    e164,
    name: optString(value['name']),
    whoId: optString(value['whoId']),
    whoType: whoType === 'Contact' || whoType === 'Lead' ? whoType : undefined,
    accountId: optString(value['accountId']),
    createdByUs: value['createdByUs'] === true ? true : undefined,
  });
}

/** What `crm:created:<e164>` holds: a claim while one worker creates, then the record. */
export type CreatedMemory =
  | { readonly state: 'claimed'; readonly owner: string }
  | { readonly state: 'created'; readonly id: string; readonly type: 'Contact' | 'Lead'; readonly accountId?: string };

export function encodeCreated(m: CreatedMemory): CrmJson {
  return dropUndefined({ ...m });
}

export function decodeCreated(value: CrmJson | undefined): CreatedMemory | undefined {
  if (!isObject(value)) return undefined;
  if (value['state'] === 'claimed' && typeof value['owner'] === 'string') return { state: 'claimed', owner: value['owner'] };
  const type = value['type'];
  if (value['state'] === 'created' && typeof value['id'] === 'string' && (type === 'Contact' || type === 'Lead')) {
    return dropUndefined<CreatedMemory>({ state: 'created', id: value['id'], type, accountId: optString(value['accountId']) });
  }
  return undefined;
}

export function createdCaller(e164: string, m: Extract<CreatedMemory, { state: 'created' }>): ResolvedCaller {
  return dropUndefined({ e164, whoId: m.id, whoType: m.type, accountId: m.accountId, createdByUs: true });
}

function isObject(v: CrmJson | undefined): v is { readonly [key: string]: CrmJson } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(v: CrmJson | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
