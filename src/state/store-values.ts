/**
 * Checks for values the store reads back (from Redis or a snapshot): written by this code,
 * but possibly by an older version or by hand, so they are checked, never trusted.
 */
import type { Binding, RecentCall } from './store.js';

type Obj = { readonly [k: string]: unknown };

export function isBinding(x: unknown): x is Binding {
  return (
    isObj(x) &&
    typeof x['contact'] === 'string' &&
    typeof x['callId'] === 'string' &&
    isCount(x['cseq']) &&
    optional(x, 'instanceId', 'string') &&
    optional(x, 'regId', 'number') &&
    optional(x, 'q', 'number') &&
    optional(x, 'userAgent', 'string') &&
    optional(x, 'source', 'string') &&
    (x['path'] === undefined || (Array.isArray(x['path']) && x['path'].every((p) => typeof p === 'string')))
  );
}

export function isRecentCall(x: unknown): x is RecentCall {
  return (
    isObj(x) &&
    typeof x['callId'] === 'string' &&
    (x['direction'] === 'inbound' || x['direction'] === 'outbound') &&
    typeof x['from'] === 'string' &&
    typeof x['to'] === 'string' &&
    typeof x['startedAt'] === 'string' &&
    (x['lastSeq'] === undefined || isCount(x['lastSeq'])) &&
    optional(x, 'seqOwner', 'string')
  );
}

function optional(x: Obj, k: string, type: 'string' | 'number'): boolean {
  return x[k] === undefined || typeof x[k] === type;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
