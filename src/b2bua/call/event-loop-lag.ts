/**
 * Event-loop lag as the overload guard (overload-guard.ts) reads it, and its production
 * source: node:perf_hooks monitorEventLoopDelay.
 * Its histogram records the time between runs of a native timer that asks to run every
 * `resolutionMs`, so a loop that is on time records about `resolutionMs` and the lag is the
 * excess (as Fastify's under-pressure reads it). The timer does not keep the process alive.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How late the event loop ran over one window. */
export interface LagReading {
  /** Mean lag of the window, ms (≥ 0). */
  meanMs: number;
  /** Worst lag of the window, ms (≥ 0); logged, not decided on. */
  maxMs: number;
}

/** Where lag figures come from; the guard owns it (closes it with itself). */
export interface LagSource {
  /** The lag since the previous read (or since the source started), then starts a new window. */
  read(): LagReading;
  close(): void;
}

const NS_PER_MS = 1e6;

/** Default resolution 10 ms: about 50 samples per 500 ms window on a healthy loop. */
export function eventLoopLag(resolutionMs = 10): LagSource {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    read(): LagReading {
      // No sample yet (a window shorter than the resolution): nothing says the loop is late.
      const reading = histogram.count === 0
        ? { meanMs: 0, maxMs: 0 }
        : {
            meanMs: Math.max(0, histogram.mean / NS_PER_MS - resolutionMs),
            maxMs: Math.max(0, histogram.max / NS_PER_MS - resolutionMs),
          };
      histogram.reset();
      return reading;
    },
    close(): void {
      histogram.disable();
    },
  };
}

/**
 * The worse of several loops' lag: with the engine on a thread of its own (src/engine-thread.ts)
 * a stalled engine delays calls as much as a stalled app, so the guard reads both. Each source
 * is read every time (each starts its next window); closing closes them all.
 */
export function worstLag(sources: readonly LagSource[]): LagSource {
  return {
    read(): LagReading {
      let meanMs = 0;
      let maxMs = 0;
      for (const s of sources) {
        const r = s.read();
        meanMs = Math.max(meanMs, r.meanMs);
        maxMs = Math.max(maxMs, r.maxMs);
      }
      return { meanMs, maxMs };
    },
    close(): void {
      for (const s of sources) s.close();
    },
  };
}
