/**
 * The figures of one run, built from sipp's last stat rows, the RTD trace and the
 * process samples (pure), and the CPS ratio of two runs.
 */
import { answerRate, summarizeLatencies, type LatencySummary } from './percentiles.js';
import type { ProcessFigures } from './process-sampler.js';
import type { Ramp } from './rate-profile.js';
import type { RttSample } from './sipp-rtt-csv.js';
import type { SippStatRow } from './sipp-stat-csv.js';
import type { Transport } from './sipp-args.js';

export interface LoadPlan {
  readonly rate: number;
  readonly ramp?: Ramp;
  readonly durationS: number;
  readonly callLengthMs: number;
  readonly maxCalls: number;
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
  readonly rtt: readonly RttSample[];
  readonly processes: readonly ProcessFigures[];
  readonly sippVersion: string;
  readonly uacExit: number | null;
  readonly uasExit: number | null;
}

function prefixed(side: string, failures: Readonly<Record<string, number>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(failures ?? {})) out[`${side} ${k}`] = v;
  return out;
}

export function buildFigures(i: RunInputs): RunFigures {
  const attempted = i.uacLast?.totalCallsCreated ?? 0;
  const successful = i.uacLast?.successfulCalls ?? 0;
  const failed = i.uacLast?.failedCalls ?? 0;
  const uasFailed = i.uasLast?.failedCalls ?? 0;
  const setup = i.rtt.filter((s) => s.rtd === 1);
  const rate = answerRate(setup.map((s) => s.atMs));
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
      retransmissions: (i.uacLast?.retransmissions ?? 0) + (i.uasLast?.retransmissions ?? 0),
      failureReasons: { ...prefixed('uac', i.uacLast?.failures), ...prefixed('uas', i.uasLast?.failures) },
    },
    cps: { achieved: rate?.meanCps ?? null, peak1s: rate?.peakCps ?? null },
    setupMs: summarizeLatencies(setup.map((s) => s.responseMs)),
    processes: i.processes,
    sipp: { version: i.sippVersion, uacExit: i.uacExit, uasExit: i.uasExit },
    ok: attempted > 0 && failed === 0 && uasFailed === 0 && successful === attempted && i.uacExit === 0,
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
