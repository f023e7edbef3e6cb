/**
 * load-tests/RESULTS.md: one Markdown table row per recorded run, with the commit and
 * the machine, so that figures are never compared without their context.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fmt, describePlan, machineNote, warmupNote } from './report-table.js';
import { underTestTotals, type RunFigures } from './figures.js';

export const RESULTS_HEADER = `# linegate load-test results

Rows are appended by \`npm run load -- <scenario> ... --record\` (see README.md).

**Compare only ratios taken in one run on one machine** (\`--compare a,b\`): absolute
figures move with the machine, its load and its CPU frequency from one minute to the next.
A row is a record of what one run measured, not a benchmark of linegate.

Columns:
- **date**: UTC start of the run. **commit**: \`git rev-parse --short HEAD\`, \`-dirty\` if
  tracked files differed from it. **machine**: first CPU model, core count, total memory.
- **scenario / transport / load**: what ran (rate or ramp, duration, call length).
- **attempted / ok / failed**: calls started by the sipp UAC, ended successfully, failed
  (UAC count; "+N uas" when the UAS counted failures too). **retrans**: UAC + UAS
  retransmissions.
- **CPS**: answers (200 to INVITE) per second, mean between the first and last answer;
  **peak**: most answers in one second.
- **setup ms**: INVITE sent → 200 received (sipp RTD, 1 ms resolution), p50/p95/p99/max.
- **SUT RSS / CPU**: summed over the processes under test (peak RSS, average CPU in % of
  one core); "—" when sipp talks to sipp. The load generators are not included.
- **notes**: free text (compare runs say so); what a warm-up (\`--warmup\`, left out of the
  other columns) did; then the machine's load during the run: 1-minute load average at
  the start, the whole machine's CPU use (% of one core, so up to 200 on 2 cores) and
  "others", the part not used by the processes the runner sampled (other work).

| date | commit | machine | scenario | transport | load | attempted | ok | failed | retrans | CPS | peak | setup ms p50/p95/p99/max | SUT RSS MB | SUT CPU % | notes |
|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|
`;

export function machineDescription(): string {
  const list = cpus();
  const model = list[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU';
  return `${model}, ${list.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
}

/** Short commit of HEAD, "-dirty" when tracked files differ; "unknown" outside git. Read-only. */
export function gitRevision(cwd: string): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    try {
      execFileSync('git', ['diff-index', '--quiet', 'HEAD', '--'], { cwd, stdio: 'ignore' });
      return rev;
    } catch {
      return `${rev}-dirty`;
    }
  } catch {
    return 'unknown';
  }
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function formatResultRow(f: RunFigures, context: { commit: string; machine: string; notes: string }): string {
  const sut = underTestTotals(f);
  const s = f.setupMs;
  const failed = f.calls.uasFailed > 0 ? `${f.calls.failed} +${f.calls.uasFailed} uas` : String(f.calls.failed);
  const cells = [
    f.startedAt.replace(/\.\d+Z$/, 'Z'),
    context.commit,
    context.machine,
    f.scenario,
    f.transport,
    describePlan(f.plan),
    String(f.calls.attempted),
    String(f.calls.successful),
    failed,
    String(f.calls.retransmissions),
    fmt(f.cps.achieved),
    fmt(f.cps.peak1s, 0),
    s ? `${s.p50}/${s.p95}/${s.p99}/${s.max}` : '—',
    fmt(sut?.rssPeakMb),
    fmt(sut?.cpuAvgPct),
    [context.notes, warmupNote(f), machineNote(f)].filter(Boolean).join('; '),
  ];
  return `| ${cells.map(cell).join(' | ')} |\n`;
}

/** Appends rows, creating the file with its header first if needed. */
export function appendResultRows(path: string, rows: readonly string[]): void {
  if (!existsSync(path)) writeFileSync(path, RESULTS_HEADER);
  appendFileSync(path, rows.join(''));
}
