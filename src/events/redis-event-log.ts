/**
 * RedisEventLog: the distributed event log, one Redis Stream. XADD with MAXLEN ~ appends,
 * XREADGROUP / XACK give consumer groups, XAUTOCLAIM hands a dead consumer's events to a
 * live one, and a consumer's own unacknowledged history (read with id 0) is delivered
 * again first after it restarts.
 *
 * Durability is Redis's: an append resolves when the primary has the entry, and after
 * WAIT when `waitReplicas` is set; run Redis with AOF (appendfsync always/everysec) or
 * replicas to keep events across a Redis crash. MAXLEN trims the oldest entries even if a
 * group has not acknowledged them: size `maxLen` above the largest backlog you accept.
 * The log owns the client it is given: close() quits it.
 */
import type { Redis } from 'ioredis';
import { LinegateError } from '../shared/index.js';
import type { CallEvent } from './call-event.js';
import type { EventLog, EventLogOptions, LoggedEvent } from './event-log.js';
import { parseCallEvent } from './parse-call-event.js';
import {
  autoClaimReply,
  compareIds,
  groupInfos,
  idMs,
  pendingSummary,
  rangeEntries,
  readGroupEntries,
  type StreamEntry,
} from './redis-stream-reply.js';

export interface RedisEventLogOptions extends EventLogOptions {
  readonly redis: Redis;
  /** The stream key. Default `linegate:events`. */
  readonly stream?: string;
  /** Approximate cap on the stream length (XADD MAXLEN ~). Default 1,000,000. */
  readonly maxLen?: number;
  /** After each XADD, WAIT for this many replicas (rejecting if fewer acknowledge in time). */
  readonly waitReplicas?: { readonly count: number; readonly timeoutMs: number };
}

const FIELD = 'e';
const TRIMMED = 'trimmed from the stream before it was acknowledged';

export class RedisEventLog implements EventLog {
  private readonly redis: Redis;
  private readonly key: string;
  private readonly maxLen: number;
  private readonly groups = new Set<string>();
  /** Per group+consumer: where re-reading the consumer's own pending history has got to; absent once done. */
  private readonly history = new Map<string, string>();
  private readonly historyDone = new Set<string>();
  /** Blocking reads get a connection per consumer, so one blocked consumer never stalls the others. */
  private readonly blocking = new Map<string, Redis>();
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RedisEventLogOptions) {
    this.redis = options.redis;
    this.key = options.stream ?? 'linegate:events';
    this.maxLen = options.maxLen ?? 1_000_000;
  }

  async start(): Promise<void> {
    await this.redis.ping();
  }

  async append(event: CallEvent): Promise<{ id: string }> {
    const parsed = parseCallEvent(event);
    if (!parsed.ok) throw new LinegateError('EVENT_INVALID', `not a valid call event: ${parsed.error}`);
    this.assertOpen();
    const id = await this.redis.xadd(this.key, 'MAXLEN', '~', this.maxLen, '*', FIELD, JSON.stringify(parsed.event));
    if (id === null) throw new LinegateError('EVENT_LOG_FAILED', `XADD to ${this.key} returned no id`);
    const w = this.options.waitReplicas;
    if (w) {
      const acked = await this.redis.wait(w.count, w.timeoutMs);
      if (acked < w.count) {
        throw new LinegateError('EVENT_LOG_NOT_REPLICATED', `event ${id} reached ${acked} of ${w.count} replicas in ${w.timeoutMs} ms`);
      }
    }
    return { id };
  }

  async read(group: string, consumer: string, max: number, blockMs: number): Promise<LoggedEvent[]> {
    this.assertOpen();
    if (max <= 0) return [];
    const own = await this.readOwnHistory(group, consumer, max);
    if (own !== undefined) return own;
    const conn = blockMs > 0 ? this.blockingConnection(consumer) : this.redis;
    const block = blockMs > 0 ? ['BLOCK', Math.ceil(blockMs)] : [];
    try {
      const reply = await this.withGroup(group, () =>
        conn.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max, ...block, 'STREAMS', this.key, '>'),
      );
      return await this.toEvents(group, readGroupEntries(reply));
    } catch (e) {
      if (this.closed) return []; // close() cut a blocked read short
      throw e;
    }
  }

  async claimStale(group: string, consumer: string, minIdleMs: number, max: number): Promise<LoggedEvent[]> {
    this.assertOpen();
    const out: LoggedEvent[] = [];
    let cursor = '0-0';
    do {
      const reply = await this.withGroup(group, () =>
        this.redis.call('XAUTOCLAIM', this.key, group, consumer, Math.max(0, Math.floor(minIdleMs)), cursor, 'COUNT', max - out.length),
      );
      const claimed = autoClaimReply(reply);
      // Redis ≥ 7 drops entries trimmed while pending from the group and names them here.
      for (const id of claimed.deleted) this.options.onUnreadable?.({ id, reason: TRIMMED });
      out.push(...(await this.toEvents(group, claimed.entries)));
      cursor = claimed.cursor;
    } while (cursor !== '0-0' && out.length < max);
    return out;
  }

  async ack(group: string, ids: readonly string[]): Promise<number> {
    this.assertOpen();
    const valid = ids.filter((id) => /^\d+-\d+$/.test(id));
    if (valid.length === 0) return 0;
    const n = await this.withGroup(group, () => this.redis.xack(this.key, group, ...valid));
    return Number(n);
  }

  async pending(group: string): Promise<number> {
    this.assertOpen();
    const info = await this.groupInfo(group);
    return info.pending + (await this.undelivered(info));
  }

  async oldestPendingAgeMs(group: string): Promise<number> {
    this.assertOpen();
    const info = await this.groupInfo(group);
    const summary = pendingSummary(await this.redis.call('XPENDING', this.key, group));
    const next = rangeEntries(await this.redis.call('XRANGE', this.key, `(${info.lastDeliveredId}`, '+', 'COUNT', 1))[0];
    const candidates = [summary.smallest, next?.id].filter((x): x is string => typeof x === 'string');
    if (candidates.length === 0) return 0;
    const oldest = candidates.sort(compareIds)[0] as string;
    const [sec, usec] = await this.redis.time();
    return Math.max(0, Number(sec) * 1000 + Math.floor(Number(usec) / 1000) - idMs(oldest));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  destroy(): void {
    this.closed = true;
    for (const c of this.blocking.values()) c.disconnect();
    this.redis.disconnect();
    this.closing ??= Promise.resolve();
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    for (const c of this.blocking.values()) c.disconnect();
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => undefined);
  }

  /**
   * After a restart a consumer first gets back what it was given and never acknowledged
   * (XREADGROUP with id 0 reads its own pending history); undefined once that is exhausted.
   */
  private async readOwnHistory(group: string, consumer: string, max: number): Promise<LoggedEvent[] | undefined> {
    const k = `${group}\u0000${consumer}`;
    while (!this.historyDone.has(k)) {
      const from = this.history.get(k) ?? '0';
      const reply = await this.withGroup(group, () =>
        this.redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max, 'STREAMS', this.key, from),
      );
      const entries = readGroupEntries(reply);
      const last = entries[entries.length - 1];
      if (!last) {
        this.historyDone.add(k);
        this.history.delete(k);
        return undefined;
      }
      this.history.set(k, last.id);
      const events = await this.toEvents(group, entries);
      if (events.length > 0) return events;
    }
    return undefined;
  }

  /** Parses entries; trimmed or unreadable ones are acknowledged so they cannot block the group. */
  private async toEvents(group: string, entries: readonly StreamEntry[]): Promise<LoggedEvent[]> {
    const out: LoggedEvent[] = [];
    const drop: string[] = [];
    for (const entry of entries) {
      const event = this.decode(entry);
      if (event.ok) out.push({ id: entry.id, event: event.event });
      else {
        drop.push(entry.id);
        this.options.onUnreadable?.({ id: entry.id, reason: event.reason });
      }
    }
    if (drop.length > 0) await this.redis.xack(this.key, group, ...drop);
    return out;
  }

  private decode(entry: StreamEntry): { ok: true; event: CallEvent } | { ok: false; reason: string } {
    if (entry.fields === null) return { ok: false, reason: TRIMMED };
    const i = entry.fields.indexOf(FIELD);
    const raw = i >= 0 && i % 2 === 0 ? entry.fields[i + 1] : undefined;
    if (raw === undefined) return { ok: false, reason: `no ${FIELD} field` };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
    const parsed = parseCallEvent(json);
    return parsed.ok ? parsed : { ok: false, reason: parsed.error };
  }

  private async groupInfo(group: string): Promise<{ pending: number; lastDeliveredId: string; lag: number | null }> {
    await this.ensureGroup(group);
    const info = groupInfos(await this.redis.call('XINFO', 'GROUPS', this.key)).find((g) => g.name === group);
    if (!info) throw new LinegateError('EVENT_LOG_NO_GROUP', `consumer group ${group} vanished from ${this.key}`);
    return info;
  }

  /**
   * Entries the group has not been given yet. Redis's `lag` still counts entries trimmed
   * before delivery (seen on 7.0), so when the group's position was trimmed away the answer
   * is the stream length, and when Redis cannot tell (null lag) the entries are counted.
   */
  private async undelivered(info: { lastDeliveredId: string; lag: number | null }): Promise<number> {
    const first = rangeEntries(await this.redis.call('XRANGE', this.key, '-', '+', 'COUNT', 1))[0];
    if (!first) return 0;
    if (compareIds(info.lastDeliveredId, first.id) < 0) return this.redis.xlen(this.key);
    return info.lag ?? this.countAfter(info.lastDeliveredId);
  }

  /** Entries after `id`: the slow count, when Redis cannot report a group's lag. */
  private async countAfter(id: string): Promise<number> {
    let n = 0;
    for (let from = `(${id}`; ; ) {
      const page = rangeEntries(await this.redis.call('XRANGE', this.key, from, '+', 'COUNT', 1000));
      n += page.length;
      const last = page[page.length - 1];
      if (!last || page.length < 1000) return n;
      from = `(${last.id}`;
    }
  }

  /** Runs `op` with the group created; if Redis lost the group (NOGROUP, e.g. a restart without persistence), creates it and retries once. */
  private async withGroup<T>(group: string, op: () => Promise<T>): Promise<T> {
    await this.ensureGroup(group);
    try {
      return await op();
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOGROUP')) throw e;
      this.groups.delete(group);
      await this.ensureGroup(group);
      return op();
    }
  }

  private async ensureGroup(group: string): Promise<void> {
    if (group.length === 0) throw new LinegateError('EVENT_LOG_BAD_GROUP', 'a consumer group needs a name');
    if (this.groups.has(group)) return;
    try {
      await this.redis.call('XGROUP', 'CREATE', this.key, group, '0', 'MKSTREAM');
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('BUSYGROUP')) throw e;
    }
    this.groups.add(group);
  }

  private blockingConnection(consumer: string): Redis {
    let c = this.blocking.get(consumer);
    if (!c) {
      c = this.redis.duplicate();
      this.blocking.set(consumer, c);
    }
    return c;
  }

  private assertOpen(): void {
    if (this.closed) throw new LinegateError('EVENT_LOG_CLOSED', 'the event log is closed');
  }
}
