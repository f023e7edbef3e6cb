/**
 * The figures of one run, built from sipp's last stat rows, the RTD trace and the
 * process samples (pure), and the CPS ratio of two runs.
 */
import { answerRate, summarizeLatencies, type LatencySummary } from './percentiles.js';
import type { MachineLoad } from './machine-load.js';
import type { ProcessFigures } from './process-sampler.js';
import type { Ramp } from './rate-profile.js';
import type { RttSample } from './sipp-rtt-csv.js';
import type { SippStatRow } from './sipp-stat-csv.js';
import type { Transport } from './sipp-args.js';

export interface LoadPlan {
  readonly rate: number;
  readonly ramp?: Ramp;
  /** Measured seconds of call generation (after the warm-up). */
  readonly durationS: number;
  /** Seconds of calls at the same rate before the measured window; 0 for none. */
  readonly warmupS?: number;
  readonly callLengthMs: number;
  /** sipp's -m: the calls of the warm-up and the measured window together. */
  readonly maxCalls: number;
}

/** What happened during the warm-up, reported but not part of the run's figures. */
export interface WarmupFigures {
  readonly seconds: number;
  readonly attempted: number;
  readonly successful: number;
  readonly failed: number;
  readonly uasFailed: number;
  /** Calls still open when the warm-up ended: they end in the measured window. */
  readonly carriedOver: number;
}

export interface RunFigures {
  readonly scenario: string;
  readonly transport: Transport;
  readonly startedAt: string;
  readonly wallS: number;
  readonly plan: LoadPlan;
  readonly calls: {
    readonly attempted: number;
    readonly successful: number;
    readonly failed: number;
    /** Calls the UAS counted as failed (it may see failures the UAC does not). */
    readonly uasFailed: number;
    /** UAC + UAS. */
    readonly retransmissions: number;
    /** Non-zero sipp failure counters of both sides, e.g. `uac FailedTimeoutOnRecv`. */
    readonly failureReasons: Readonly<Record<string, number>>;
  };
  /** Answers (200 to INVITE) per second: mean between first and last, and best 1-s bucket. */
  readonly cps: { readonly achieved: number | null; readonly peak1s: number | null };
  /** INVITE sent → 200 received, ms (sipp RTD 1, 1 ms resolution). */
  readonly setupMs: LatencySummary | null;
  readonly processes: readonly ProcessFigures[];
  /** Present when the run had a warm-up: its calls are left out of every other figure. */
  readonly warmup?: WarmupFigures;
  /** The whole machine during the run (other work sharing the CPUs); absent if not measured. */
  readonly machine?: MachineLoad;
  readonly sipp: { readonly version: string; readonly uacExit: number | null; readonly uasExit: number | null };
  /** Every call attempted succeeded on both sides and the UAC exited 0. */
  readonly ok: boolean;
}

export interface RunInputs {
  readonly scenario: string;
  readonly transport: Transport;
  readonly startedAt: string;
  readonly wallS: number;
  readonly plan: LoadPlan;
  readonly uacLast: SippStatRow | undefined;
  readonly uasLast: SippStatRow | undefined;
  /** With a warm-up: the stat rows at its end, subtracted from the last rows. */
  readonly uacAtWarmupEnd?: SippStatRow;
  readonly uasAtWarmupEnd?: SippStatRow;
  readonly rtt: readonly RttSample[];
  readonly processes: readonly ProcessFigures[];
  readonly machine?: MachineLoad;
  readonly sippVersion: string;
  readonly uacExit: number | null;
  readonly uasExit: number | null;
}

function prefixed(side: string, failures: Readonly<Record<string, number>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(failures ?? {})) out[`${side} ${k}`] = v;
  return out;
}

function failuresSince(now: Readonly<Record<string, number>> | undefined, base: Readonly<Record<string, number>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now ?? {})) {
    const d = v - (base?.[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

export function buildFigures(i: RunInputs): RunFigures {
  const base = i.uacAtWarmupEnd;
  const uasBase = i.uasAtWarmupEnd;
  const attempted = (i.uacLast?.totalCallsCreated ?? 0) - (base?.totalCallsCreated ?? 0);
  const successful = (i.uacLast?.successfulCalls ?? 0) - (base?.successfulCalls ?? 0);
  const failed = (i.uacLast?.failedCalls ?? 0) - (base?.failedCalls ?? 0);
  const uasFailed = (i.uasLast?.failedCalls ?? 0) - (uasBase?.failedCalls ?? 0);
  const warmupMs = (i.plan.warmupS ?? 0) * 1000;
  const setup = i.rtt.filter((s) => s.rtd === 1 && s.atMs >= warmupMs);
  const rate = answerRate(setup.map((s) => s.atMs));
  const warmup: WarmupFigures | undefined = i.plan.warmupS
    ? {
      seconds: i.plan.warmupS, attempted: base?.totalCallsCreated ?? 0, successful: base?.successfulCalls ?? 0,
      failed: base?.failedCalls ?? 0, uasFailed: uasBase?.failedCalls ?? 0, carriedOver: base?.currentCalls ?? 0,
    }
    : undefined;
  const retransmissions = (i.uacLast?.retransmissions ?? 0) + (i.uasLast?.retransmissions ?? 0) -
    (base?.retransmissions ?? 0) - (uasBase?.retransmissions ?? 0);
  // With a warm-up, the calls still open at its end complete in the window: attempted
  // counts the calls created in the window, successful/failed the calls that ended in it.
  const ended = successful + failed;
  const expectedToEnd = attempted + (base?.currentCalls ?? 0);
  return {
    scenario: i.scenario,
    transport: i.transport,
    startedAt: i.startedAt,
    wallS: i.wallS,
    plan: i.plan,
    calls: {
      attempted,
      successful,
      failed,
      uasFailed,
      retransmissions,
      failureReasons: {
        ...prefixed('uac', failuresSince(i.uacLast?.failures, base?.failures)),
        ...prefixed('uas', failuresSince(i.uasLast?.failures, uasBase?.failures)),
      },
    },
    cps: { achieved: rate?.meanCps ?? null, peak1s: rate?.peakCps ?? null },
    setupMs: summarizeLatencies(setup.map((s) => s.responseMs)),
    processes: i.processes,
    ...(warmup ? { warmup } : {}),
    ...(i.machine ? { machine: i.machine } : {}),
    sipp: { version: i.sippVersion, uacExit: i.uacExit, uasExit: i.uasExit },
    ok: attempted > 0 && failed === 0 && uasFailed === 0 && ended === expectedToEnd && i.uacExit === 0,
  };
}

/** Sum of the peak RSS and of the average CPU of the processes under test; null if none. */
export function underTestTotals(f: RunFigures): { rssPeakMb: number; cpuAvgPct: number } | null {
  const sut = f.processes.filter((p) => p.role === 'under-test');
  if (sut.length === 0) return null;
  return {
    rssPeakMb: sut.reduce((a, p) => a + p.rssPeakMb, 0),
    cpuAvgPct: sut.reduce((a, p) => a + p.cpuAvgPct, 0),
  };
}

export interface Comparison {
  readonly a: RunFigures;
  readonly b: RunFigures;
  /** b ÷ a of the achieved CPS; null when either is unknown or a is 0. */
  readonly cpsRatio: number | null;
}

export function ratio(b: number | null | undefined, a: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || a === 0) return null;
  return b / a;
}

export function compareRuns(a: RunFigures, b: RunFigures): Comparison {
  return { a, b, cpsRatio: ratio(b.cps.achieved, a.cps.achieved) };
}
