/**
 * The embedded engine on a thread of its own (`linegate run`'s default, issue #3).
 *
 * Why: the engine and the call-control app each keep a core busy at a few hundred calls per
 * second, and in one event loop they queue behind each other: `linegate run` in one thread
 * saturated its core at 240 cps (load-tests/RESULTS.md, trunk-users), while the same app
 * with the engine in another process reached 400 cps. A worker thread gives the engine its
 * own event loop, V8 heap and GC in the same process: the app still talks to it over the
 * wire protocol on loopback, exactly as it would to a drachtio-server, so nothing in the
 * app changes and the engine's code is the same as `linegate engine`'s.
 *
 * What crosses the thread boundary is small: the listeners once started, a metrics
 * snapshot and the engine loop's lag every METRICS_INTERVAL_MS (Prometheus scrapes are seconds apart, so a scrape
 * reads values at most that old), and close. If the engine thread dies, the process cannot
 * carry calls any more; `onCrash` says so and the CLI exits non-zero so that a supervisor
 * restarts it.
 */
import { Worker } from 'node:worker_threads';
import type { EngineFlags } from './config/index.js';
import type { EngineMetrics, Listener } from './sip/index.js';

/** What the composition needs of an engine, whether in this thread (Engine) or another. */
export interface EngineHandle {
  sipListeners(): readonly Listener[];
  wireAddress(): { address: string; port: number };
  metrics(): EngineMetrics;
  /**
   * The engine thread's event-loop lag over its last report (undefined when the engine shares
   * the caller's thread, whose own lag already says it): read by the overload guard.
   */
  loopLag?(): LoopLag;
  close(): Promise<void>;
}

/** Mean and worst event-loop lag over a window, ms (as src/b2bua/call/event-loop-lag.ts measures it). */
export interface LoopLag {
  meanMs: number;
  maxMs: number;
}

export const METRICS_INTERVAL_MS = 1000;

/** workerData of the engine thread. */
export interface EngineThreadData {
  sip: EngineFlags['sip'];
  wire: EngineFlags['wire'];
  externalAddress?: string;
  loglevel: EngineFlags['loglevel'];
  metricsIntervalMs: number;
}

/** Messages from the engine thread. */
export type EngineThreadReport =
  | { type: 'listening'; sip: Listener[]; wire: { address: string; port: number }; metrics: EngineMetrics }
  | { type: 'metrics'; metrics: EngineMetrics; loopLag: LoopLag }
  | { type: 'start-failed'; message: string }
  | { type: 'closed' };

export interface EngineThreadOptions {
  flags: EngineFlags;
  /** The engine thread died or exited without being closed; the process should stop. */
  onCrash: (err: Error) => void;
  /** Milliseconds between metrics snapshots (default METRICS_INTERVAL_MS). */
  metricsIntervalMs?: number;
}

/** Starts the engine on a worker thread; resolves once its sockets listen (rejects if they cannot). */
export function startEngineThread(o: EngineThreadOptions): Promise<EngineHandle> {
  const data: EngineThreadData = {
    sip: o.flags.sip, wire: o.flags.wire, loglevel: o.flags.loglevel, metricsIntervalMs: o.metricsIntervalMs ?? METRICS_INTERVAL_MS,
    ...(o.flags.externalAddress ? { externalAddress: o.flags.externalAddress } : {}),
  };
  const worker = spawnWorker(data);
  return new Promise((resolve, reject) => {
    let handle: ThreadEngine | undefined;
    worker.on('message', (m: EngineThreadReport) => {
      if (m.type === 'listening') {
        handle = new ThreadEngine(worker, m.sip, m.wire, m.metrics);
        resolve(handle);
      } else if (m.type === 'start-failed') {
        reject(new Error(m.message));
      } else {
        handle?.onReport(m);
      }
    });
    worker.on('error', (err: Error) => {
      if (!handle) reject(err);
      else if (!handle.closing) o.onCrash(err);
    });
    worker.on('exit', (code) => {
      if (!handle) reject(new Error(`the engine thread exited (code ${code}) before it listened`));
      else if (!handle.closing) o.onCrash(new Error(`the engine thread exited unexpectedly (code ${code})`));
      handle?.onExit();
    });
  });
}

class ThreadEngine implements EngineHandle {
  closing = false;
  private lag: LoopLag = { meanMs: 0, maxMs: 0 };
  private closed: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly listeners: Listener[],
    private readonly wire: { address: string; port: number },
    private latest: EngineMetrics,
  ) {}

  sipListeners(): readonly Listener[] {
    return this.listeners;
  }

  wireAddress(): { address: string; port: number } {
    return this.wire;
  }

  /** The engine's last snapshot (at most the metrics interval old). */
  metrics(): EngineMetrics {
    return this.latest;
  }

  loopLag(): LoopLag {
    return this.lag;
  }

  onReport(m: EngineThreadReport): void {
    if (m.type === 'metrics') {
      this.latest = m.metrics;
      this.lag = m.loopLag;
    }
    // 'closed': the engine closed gracefully; the thread exits next (onExit).
  }

  onExit(): void {
    this.resolveClosed?.();
  }

  /** Graceful: the engine closes its sockets (apps disconnected), then the thread exits. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.closing = true;
      this.resolveClosed = resolve;
      this.worker.postMessage({ type: 'close' });
    });
    return this.closed;
  }
}

/**
 * The worker runs engine-thread-worker.js next to this file. Under tsx (tests, load runs
 * from src/) that file is .ts, and a worker's entry module is loaded before the parent's
 * `--import tsx` hooks apply to it, so the worker registers tsx itself first.
 */
function spawnWorker(data: EngineThreadData): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./engine-thread-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData: data });
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}
