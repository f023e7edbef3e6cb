/**
 * Samples the RSS and CPU time of the processes under test once a second: other
 * processes through /proc/<pid>/stat and /status, the runner's own process (an
 * in-process system under test) through process.memoryUsage() and process.cpuUsage().
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseProcStat, parseProcStatus } from './proc-stat.js';
import { rssTimeline, rssTrend } from './rss-trend.js';

export interface ProcessSample {
  /** performance.now() at the read. */
  readonly atMs: number;
  readonly rssKb: number;
  /** User + system CPU time consumed since the process started, seconds. */
  readonly cpuS: number;
  /** The system (kernel) part of cpuS: syscalls such as socket sends; absent when unknown. */
  readonly sysS?: number;
}

export type ProcessRole = 'under-test' | 'load-generator';

export interface ProcessProbe {
  readonly label: string;
  readonly pid: number;
  readonly role: ProcessRole;
  /** `undefined` once the process is gone. */
  read(): ProcessSample | undefined;
}

export interface ProcessFigures {
  readonly label: string;
  readonly pid: number;
  readonly role: ProcessRole;
  readonly samples: number;
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  readonly rssPeakMb: number;
  /** CPU over the whole sampled interval, percent of one core. */
  readonly cpuAvgPct: number;
  /** Highest CPU between two consecutive samples, percent of one core. */
  readonly cpuMaxPct: number;
  /** The kernel part of cpuAvgPct (syscalls: socket sends, writes, reads); null when unknown. */
  readonly cpuSysAvgPct: number | null;
  /** Least-squares RSS slope over every sample, MB/min (see rss-trend.ts); null if undefined. */
  readonly rssSlopeMbPerMin: number | null;
  /** The same over the second half of the run (after `rssWarmupS`): the figure that says whether memory is flat. */
  readonly rssSteadySlopeMbPerMin: number | null;
  readonly rssWarmupS: number;
  /** RSS every 30 s, for the memory section of a soak. */
  readonly rssTimeline: ReadonlyArray<{ readonly atS: number; readonly rssMb: number }>;
}

let clockTicks: number | undefined;
/** sysconf(_SC_CLK_TCK), the unit of /proc/<pid>/stat times; 100 on every common Linux. */
function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export function procProbe(pid: number, label: string, role: ProcessRole): ProcessProbe {
  const ticks = clockTicksPerSecond();
  return {
    label,
    pid,
    role,
    read() {
      try {
        const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        const status = parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
        // No RSS yet (forked, not yet exec'd) or a zombie: nothing worth a sample.
        if (!stat || !status.vmRssKb || stat.state === 'Z') return undefined;
        return { atMs: performance.now(), rssKb: status.vmRssKb, cpuS: (stat.utimeTicks + stat.stimeTicks) / ticks, sysS: stat.stimeTicks / ticks };
      } catch {
        return undefined; // the process has exited
      }
    },
  };
}

/** The runner's own process: includes the runner's overhead (stat tailing, sampling). */
export function selfProbe(label: string): ProcessProbe {
  return {
    label,
    pid: process.pid,
    role: 'under-test',
    read() {
      const cpu = process.cpuUsage();
      return { atMs: performance.now(), rssKb: process.memoryUsage().rss / 1024, cpuS: (cpu.user + cpu.system) / 1e6, sysS: cpu.system / 1e6 };
    },
  };
}

/** A probe for `pid`, choosing the in-process probe when it is the runner itself. */
export function probeFor(pid: number, label: string, role: ProcessRole): ProcessProbe {
  return pid === process.pid ? selfProbe(label) : procProbe(pid, label, role);
}

/** Figures from one process's samples (pure). `undefined` without any sample. */
export function summarizeSamples(probe: Pick<ProcessProbe, 'label' | 'pid' | 'role'>, samples: readonly ProcessSample[]): ProcessFigures | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return undefined;
  let cpuMaxPct = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a && b && b.atMs > a.atMs) cpuMaxPct = Math.max(cpuMaxPct, ((b.cpuS - a.cpuS) * 100000) / (b.atMs - a.atMs));
  }
  const spanMs = last.atMs - first.atMs;
  const mb = (kb: number): number => kb / 1024;
  const trend = rssTrend(samples);
  return {
    label: probe.label,
    pid: probe.pid,
    role: probe.role,
    samples: samples.length,
    rssStartMb: mb(first.rssKb),
    rssEndMb: mb(last.rssKb),
    rssPeakMb: mb(Math.max(...samples.map((s) => s.rssKb))),
    cpuAvgPct: spanMs > 0 ? ((last.cpuS - first.cpuS) * 100000) / spanMs : 0,
    cpuMaxPct,
    cpuSysAvgPct: spanMs > 0 && first.sysS !== undefined && last.sysS !== undefined ? ((last.sysS - first.sysS) * 100000) / spanMs : null,
    rssSlopeMbPerMin: trend.slopeMbPerMin,
    rssSteadySlopeMbPerMin: trend.steadySlopeMbPerMin,
    rssWarmupS: trend.warmupS,
    rssTimeline: rssTimeline(samples, 30_000),
  };
}

/** Reads every probe now and then every `intervalMs` until stop(). */
export class ProcessSampler {
  private readonly series = new Map<ProcessProbe, ProcessSample[]>();
  private timer: NodeJS.Timeout | undefined;
  private result: ProcessFigures[] | undefined;

  constructor(private readonly intervalMs = 1000) {}

  add(probe: ProcessProbe): void {
    this.series.set(probe, []);
    this.sample(probe);
  }

  start(): void {
    this.timer ??= setInterval(() => this.sampleAll(), this.intervalMs);
  }

  /**
   * Takes a last sample, stops the timer and summarizes every process seen, from the
   * samples taken at or after `sinceMs` (performance.now(); e.g. the end of a warm-up)
   * and the one just before it. Idempotent: later calls return the first result.
   */
  stop(sinceMs = 0): ProcessFigures[] {
    if (this.result) return this.result;
    clearInterval(this.timer);
    this.timer = undefined;
    this.sampleAll();
    const figures: ProcessFigures[] = [];
    for (const [probe, all] of this.series) {
      const from = Math.max(0, all.findIndex((x) => x.atMs >= sinceMs) - 1);
      const f = summarizeSamples(probe, all.slice(from));
      if (f) figures.push(f);
    }
    this.result = figures;
    return figures;
  }

  private sampleAll(): void {
    for (const probe of this.series.keys()) this.sample(probe);
  }

  private sample(probe: ProcessProbe): void {
    const s = probe.read();
    if (s) this.series.get(probe)?.push(s);
  }
}
