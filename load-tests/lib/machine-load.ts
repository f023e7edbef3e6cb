/**
 * How busy the whole machine was during a run, so that a figure is never read without
 * knowing whether something else (another test suite, a build) shared the CPUs: the
 * 1-minute load average at the start, and the machine's CPU use over the run from the
 * aggregate `cpu` line of /proc/stat (proc(5)), from which the processes the runner
 * sampled are subtracted to give "others".
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface CpuTicks {
  /** user + nice + system + irq + softirq + steal. */
  readonly busy: number;
  /** busy + idle + iowait. */
  readonly total: number;
}

/** The aggregate `cpu` line of /proc/stat; undefined when absent. */
export function parseProcStatCpu(text: string): CpuTicks | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const f = [user, nice, system, idle, iowait, irq, softirq, steal].map((v) => (v === undefined || Number.isNaN(v) ? 0 : v));
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  return { busy, total: busy + (f[3] ?? 0) + (f[4] ?? 0) };
}

/** Machine CPU busy between two readings, in % of ONE core (so 2 cores → up to 200). */
export function busyPctOfOneCore(a: CpuTicks, b: CpuTicks, cores: number): number | null {
  const total = b.total - a.total;
  return total > 0 ? ((b.busy - a.busy) / total) * 100 * cores : null;
}

export function readCpuTicks(): CpuTicks | undefined {
  try {
    return parseProcStatCpu(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** The 1-minute load average, or null off Linux. */
export function readLoad1(): number | null {
  try {
    const v = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    return Number.isNaN(v) ? null : v;
  } catch {
    return null;
  }
}

export interface MachineLoad {
  readonly load1AtStart: number | null;
  readonly cores: number;
  /** Whole machine over the sampled interval, % of one core. */
  readonly busyPct: number | null;
  /** busyPct minus the sampled processes (under test and load generators). */
  readonly othersPct: number | null;
}

/** Reads the machine's CPU at start() and stop(); pure arithmetic in between. */
export class MachineLoadProbe {
  private readonly load1 = readLoad1();
  private start: CpuTicks | undefined;

  begin(): void {
    this.start = readCpuTicks();
  }

  end(sampledPct: number): MachineLoad {
    const cores = cpus().length;
    const now = readCpuTicks();
    const busyPct = this.start && now ? busyPctOfOneCore(this.start, now, cores) : null;
    return { load1AtStart: this.load1, cores, busyPct, othersPct: busyPct === null ? null : Math.max(0, busyPct - sampledPct) };
  }
}
