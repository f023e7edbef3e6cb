/**
 * What the engine's UAS and UAC halves share: the layers below them, the wire to
 * the apps, the dialog table and the counters. Built once by Engine.
 */
import { randomBytes } from 'node:crypto';
import { ownString } from '../../shared/index.js';
import type { Clock } from '../../shared/index.js';
import { serializeMessage } from '../message/index.js';
import type { SipMessage } from '../message/index.js';
import type { TimerConfig, TransactionLayer } from '../transaction/index.js';
import type { Destination, TransportLayer } from '../transport/index.js';
import type { AppConnection } from '../wire/index.js';
import type { Cdrs } from './cdrs.js';
import type { DialogStore } from './dialog.js';
import type { Identity } from './identity.js';

export interface EngineStats {
  requestsIn: number;
  responsesIn: number;
  parseErrors: number;
  badRequests: number;
  noApp503: number;
  /** Exceptions thrown while handling one message (bugs); the message is dropped. */
  internalErrors: number;
}

export interface EngineContext {
  clock: Clock;
  txl: TransactionLayer;
  timers: TimerConfig;
  transport: TransportLayer;
  identity: Identity;
  dialogs: DialogStore;
  stats: EngineStats;
  cdrs: Cdrs;
  /** Serialise (once per message object) and send without a transaction. */
  sendStateless(msg: SipMessage, dest: Destination): void;
  /** The bytes of a message as they were / will be put on the wire. */
  wireBytes(msg: SipMessage): Buffer;
  newTxnId(): string;
  newTag(): string;
  appSend(app: AppConnection, payload: string): void;
}

const serialized = new WeakMap<SipMessage, Buffer>();

/** Messages are never mutated after they are handed to a lower layer, so caching is safe. */
export function wireBytes(msg: SipMessage): Buffer {
  const cached = serialized.get(msg);
  if (cached) return cached;
  const b = serializeMessage(msg);
  serialized.set(msg, b);
  return b;
}

/**
 * Transaction and dialog ids are UUIDv4-shaped because srf treats them as opaque
 * strings that look like the server's; a pooled random prefix plus a counter keeps
 * them unique without a crypto call per message.
 */
export class IdSource {
  private prefix = randomBytes(12).toString('hex');
  private counter = 0;

  uuid(): string {
    if (this.counter >= 0xffffffff) {
      this.prefix = randomBytes(12).toString('hex');
      this.counter = 0;
    }
    const c = (this.counter++).toString(16).padStart(8, '0');
    const p = this.prefix;
    // One flat string rather than a tree of cons strings: a UAC record keeps it 32 s after the call.
    return ownString(`${p.slice(0, 8)}-${p.slice(8, 12)}-4${p.slice(13, 16)}-a${p.slice(17, 20)}-${p.slice(20, 24)}${c}`);
  }

  private pool = randomBytes(4096);
  private poolPos = 0;

  /** Tags carry 48 fresh random bits each (RFC 3261 §19.3 asks for at least 32), from a pooled buffer. */
  tag(): string {
    if (this.poolPos + 6 > this.pool.length) {
      this.pool = randomBytes(4096);
      this.poolPos = 0;
    }
    const t = this.pool.readUIntBE(this.poolPos, 6).toString(36);
    this.poolPos += 6;
    return t;
  }
}
