/** Shared by the transport tests: a fake clock, an event recorder, and socket helpers. */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import type { Clock, TimerHandle } from '../../../../src/shared/index.js';
import type { FramingErrorCode, Source, TransportHandlers } from '../../../../src/sip/transport/index.js';

interface FakeTimer {
  due: number;
  fn: () => void;
  cancelled: boolean;
}

/** A Clock whose time moves only when advance() is called. */
export class FakeClock implements Clock {
  private time = 0;
  private timers: FakeTimer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { due: this.time + ms, fn, cancelled: false };
    this.timers.push(timer);
    return { id: timer };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) (handle.id as FakeTimer).cancelled = true;
  }

  /** Moves time forward, firing due timers in order (including ones they set). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const next = this.timers
        .filter((t) => !t.cancelled && t.due <= target)
        .sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.time = next.due;
      next.cancelled = true;
      next.fn();
    }
    this.time = target;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }

  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

export interface Received {
  buf: Buffer;
  src: Source;
}

/** Records what the transport hands up, and lets a test wait for it. */
export class Recorder implements TransportHandlers {
  readonly messages: Received[] = [];
  readonly framingErrors: Array<{ src: Source; code: FramingErrorCode }> = [];
  private waiters: Array<() => void> = [];

  onMessage(buf: Buffer, src: Source): void {
    this.messages.push({ buf: Buffer.from(buf), src });
    this.wake();
  }

  onFramingError(src: Source, code: FramingErrorCode): void {
    this.framingErrors.push({ src, code });
    this.wake();
  }

  /** Resolves once `predicate` holds, re-checked after every event. */
  async until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.min(left, 50));
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.waiters.push(done);
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Polls a condition that no recorder event signals (e.g. a stats counter). */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A SIP request with a correct Content-Length. */
export function sipRequest(callId: string, body = ''): Buffer {
  const bodyBytes = Buffer.from(body, 'utf8');
  const head =
    `OPTIONS sip:peer@example.com SIP/2.0\r\n` +
    `Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-${callId}\r\n` +
    `Call-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: ${bodyBytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bodyBytes]);
}

let ipv6Probe: Promise<boolean> | undefined;

/** True when ::1 can be bound here; detected once, at run time. */
export function hasIPv6Loopback(): Promise<boolean> {
  ipv6Probe ??= (async () => {
    const socket = createSocket({ type: 'udp6', ipv6Only: true });
    try {
      socket.bind(0, '::1');
      await once(socket, 'listening');
      return true;
    } catch {
      return false;
    } finally {
      try {
        socket.close();
      } catch {
        // never bound
      }
    }
  })();
  return ipv6Probe;
}

/** Skips the calling test when there is no IPv6 loopback, loudly. */
export async function requireIPv6(ctx: Mocha.Context): Promise<void> {
  if (await hasIPv6Loopback()) return;
  console.warn('\n  !!! WARNING: no IPv6 loopback (::1) on this machine: IPv6 transport test SKIPPED !!!\n');
  ctx.skip();
}
