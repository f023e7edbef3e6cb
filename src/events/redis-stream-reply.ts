/**
 * Readers for the RESP2 replies of the stream commands, taken as `unknown` (ioredis's
 * generic `call`) and checked, so a surprising reply becomes a clear error, not a crash
 * deep inside the worker.
 */
import { LinegateError } from '../shared/index.js';

/** A stream entry; `fields` is null when the entry was trimmed while pending. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: readonly string[] | null;
}

/**
 * XREADGROUP … STREAMS key id → the entries of that one stream ([] on a nil reply).
 * RESP2 answers `[[key, entries]]`; ioredis 6 may hand the per-stream map over flattened
 * as `[key, entries]`: both are accepted.
 */
export function readGroupEntries(reply: unknown): StreamEntry[] {
  if (reply === null) return [];
  const streams = array(reply, 'XREADGROUP');
  const first = streams[0];
  if (first === undefined) return [];
  const list = typeof first === 'string' || Buffer.isBuffer(first) ? streams[1] : array(first, 'XREADGROUP stream')[1];
  return entries(list, 'XREADGROUP entries');
}

/** XAUTOCLAIM → the next cursor, the entries claimed, and ids found deleted (Redis ≥ 7). */
export function autoClaimReply(reply: unknown): { cursor: string; entries: StreamEntry[]; deleted: string[] } {
  const [cursor, list, deleted] = array(reply, 'XAUTOCLAIM');
  return {
    cursor: str(cursor, 'XAUTOCLAIM cursor'),
    entries: entries(list, 'XAUTOCLAIM entries'),
    deleted: deleted === undefined ? [] : array(deleted, 'XAUTOCLAIM deleted').map((d) => str(d, 'deleted id')),
  };
}

export interface GroupInfo {
  readonly name: string;
  readonly pending: number;
  readonly lastDeliveredId: string;
  /** Entries not yet delivered; null when Redis cannot tell (after deletions). */
  readonly lag: number | null;
}

/** XINFO GROUPS key → one record per group. */
export function groupInfos(reply: unknown): GroupInfo[] {
  return array(reply, 'XINFO GROUPS').map((g) => {
    const kv = array(g, 'XINFO GROUPS entry');
    const field = (name: string): unknown => {
      for (let i = 0; i + 1 < kv.length; i += 2) if (kv[i] === name) return kv[i + 1];
      return undefined;
    };
    const lag = field('lag');
    return {
      name: str(field('name'), 'group name'),
      pending: num(field('pending'), 'pending'),
      lastDeliveredId: str(field('last-delivered-id'), 'last-delivered-id'),
      lag: lag === null || lag === undefined ? null : num(lag, 'lag'),
    };
  });
}

/** XPENDING key group (summary form) → how many and the smallest id. */
export function pendingSummary(reply: unknown): { count: number; smallest: string | null } {
  const [count, smallest] = array(reply, 'XPENDING');
  return { count: num(count, 'XPENDING count'), smallest: smallest === null || smallest === undefined ? null : str(smallest, 'XPENDING smallest') };
}

/** XRANGE → entries. */
export function rangeEntries(reply: unknown): StreamEntry[] {
  return entries(reply, 'XRANGE');
}

/** The milliseconds part of a stream id. */
export function idMs(id: string): number {
  return Number(id.split('-')[0]);
}

/** Orders stream ids ("ms-seq"). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

function entries(x: unknown, what: string): StreamEntry[] {
  return array(x, what).map((e) => {
    const [id, fields] = array(e, what);
    return { id: str(id, `${what} id`), fields: fields === null ? null : array(fields, `${what} fields`).map((f) => str(f, 'field')) };
  });
}

function array(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw bad(what);
  return x;
}

function str(x: unknown, what: string): string {
  if (typeof x === 'string') return x;
  if (Buffer.isBuffer(x)) return x.toString('utf8');
  throw bad(what);
}

function num(x: unknown, what: string): number {
  const n = typeof x === 'string' ? Number(x) : x;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(what);
  return n;
}

function bad(what: string): LinegateError {
  return new LinegateError('EVENT_LOG_REDIS_REPLY', `unexpected reply from Redis for ${what}`);
}
