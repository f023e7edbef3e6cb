/** Plain-text tables for the final report and the comparison (pure). */
import { ratio, underTestTotals, type Comparison, type LoadPlan, type RunFigures } from './figures.js';

/** Columns padded to their widest cell; numbers (right-aligned) are detected per cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (/^[-+]?[\d.,/ %×]+$/.test(cell) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function fmt(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);
}

export function describePlan(p: LoadPlan): string {
  const rate = p.ramp ? `ramp ${p.ramp.from}+${p.ramp.step}/${p.ramp.everyS}s to ${p.rate} cps` : `${p.rate} cps`;
  const warmup = p.warmupS ? ` after a ${p.warmupS} s warm-up` : '';
  return `${rate} for ${p.durationS} s${warmup}, calls ${p.callLengthMs} ms, at most ${p.maxCalls} calls`;
}

function setupCell(f: RunFigures): string {
  const s = f.setupMs;
  return s ? `${fmt(s.p50, 0)} / ${fmt(s.p95, 0)} / ${fmt(s.p99, 0)} / ${fmt(s.max, 0)}` : '—';
}

function summaryRows(f: RunFigures): string[][] {
  const c = f.calls;
  const rows = [
    ['calls attempted', String(c.attempted)],
    ['calls successful', String(c.successful)],
    ['calls failed (uac / uas)', `${c.failed} / ${c.uasFailed}`],
    ['retransmissions (uac + uas)', String(c.retransmissions)],
    ['achieved CPS (answers/s)', fmt(f.cps.achieved)],
    ['peak CPS (best 1 s)', fmt(f.cps.peak1s, 0)],
    ['setup ms p50 / p95 / p99 / max', setupCell(f)],
    ['setup samples', String(f.setupMs?.count ?? 0)],
    ['wall time s', fmt(f.wallS)],
    ['sipp exit (uac / uas)', `${f.sipp.uacExit ?? 'signal'} / ${f.sipp.uasExit ?? 'signal'}`],
  ];
  if (f.warmup) rows.push(['warm-up (not in the figures)', warmupNote(f) ?? '—']);
  if (f.machine) rows.push(['machine load (see below)', machineNote(f) ?? '—']);
  for (const [reason, n] of Object.entries(c.failureReasons)) rows.push([`  ${reason}`, String(n)]);
  return rows;
}

function processRows(f: RunFigures): string[][] {
  return f.processes.map((p) => [
    p.label,
    String(p.pid),
    p.role,
    fmt(p.rssStartMb),
    fmt(p.rssEndMb),
    fmt(p.rssPeakMb),
    fmt(p.cpuAvgPct),
    fmt(p.cpuSysAvgPct),
    fmt(p.cpuMaxPct),
    fmt(p.rssSteadySlopeMbPerMin ?? p.rssSlopeMbPerMin, 2),
  ]);
}

/**
 * The memory trend of each process under test: RSS first / last / peak and the
 * least-squares slope, over the whole run and after the warm-up (rss-trend.ts).
 */
export function formatMemoryTrend(f: RunFigures): string {
  const rows = f.processes.filter((p) => p.role === 'under-test').map((p) => [
    p.label, String(p.samples), fmt(p.rssStartMb), fmt(p.rssEndMb), fmt(p.rssPeakMb),
    fmt(p.rssSlopeMbPerMin, 3), fmt(p.rssSteadySlopeMbPerMin, 3), fmt(p.rssWarmupS, 0),
  ]);
  const table = formatTable(['process', 'samples', 'RSS first MB', 'last MB', 'peak MB', 'slope MB/min', 'steady slope MB/min', 'warm-up s'], rows);
  const timelines = f.processes.filter((p) => p.role === 'under-test')
    .map((p) => `${p.label} RSS MB every 30 s: ${p.rssTimeline.map((t) => fmt(t.rssMb, 0)).join(' ')}`);
  return [table, ...timelines].join('\n');
}

/** One line per process under test, for the notes of a recorded soak run. */
export function memoryTrendNote(f: RunFigures): string {
  return f.processes.filter((p) => p.role === 'under-test').map((p) =>
    `${p.label} RSS first/last/peak ${fmt(p.rssStartMb)}/${fmt(p.rssEndMb)}/${fmt(p.rssPeakMb)} MB, slope ${fmt(p.rssSlopeMbPerMin, 3)} MB/min ` +
    `(after ${fmt(p.rssWarmupS, 0)} s warm-up ${fmt(p.rssSteadySlopeMbPerMin, 3)})`).join('; ');
}

export function formatReport(f: RunFigures): string {
  const title = `== ${f.scenario} over ${f.transport.toUpperCase()}: ${describePlan(f.plan)} — ${f.ok ? 'OK' : 'FAILED'} ==`;
  const procs = f.processes.length
    ? formatTable(['process', 'pid', 'role', 'RSS start MB', 'RSS end MB', 'RSS peak MB', 'CPU avg %', 'of which sys %', 'CPU max %', 'RSS MB/min'], processRows(f))
    : '(no process sampled)';
  return [title, formatTable(['figure', 'value'], summaryRows(f)), '', procs].join('\n');
}

export function formatComparison(c: Comparison): string {
  const ta = underTestTotals(c.a);
  const tb = underTestTotals(c.b);
  const row = (name: string, a: number | null | undefined, b: number | null | undefined, digits = 1): string[] =>
    [name, fmt(a, digits), fmt(b, digits), fmt(ratio(b, a), 3)];
  const rows = [
    row('achieved CPS', c.a.cps.achieved, c.b.cps.achieved),
    row('peak CPS (1 s)', c.a.cps.peak1s, c.b.cps.peak1s, 0),
    row('calls successful', c.a.calls.successful, c.b.calls.successful, 0),
    row('calls failed', c.a.calls.failed, c.b.calls.failed, 0),
    row('setup p50 ms', c.a.setupMs?.p50, c.b.setupMs?.p50, 0),
    row('setup p99 ms', c.a.setupMs?.p99, c.b.setupMs?.p99, 0),
    row('under-test peak RSS MB', ta?.rssPeakMb, tb?.rssPeakMb),
    row('under-test CPU avg %', ta?.cpuAvgPct, tb?.cpuAvgPct),
  ];
  return [
    `== compare ${c.a.scenario} (a) vs ${c.b.scenario} (b), same options, one invocation ==`,
    formatTable(['figure', 'a', 'b', 'b/a'], rows),
    `CPS ratio b/a: ${fmt(c.cpsRatio, 3)}`,
  ].join('\n');
}

/**
 * `load1 1.2; machine busy 150 % of 200; others 12 %`: how much of the machine the run
 * had. "others" is CPU used by processes the runner did not sample (other work).
 */
export function machineNote(f: RunFigures): string | undefined {
  const m = f.machine;
  if (!m) return undefined;
  return `load1 ${fmt(m.load1AtStart, 2)} at start; machine busy ${fmt(m.busyPct, 0)} % of ${m.cores * 100}; others ${fmt(m.othersPct, 0)} %`;
}

/** `warm-up 10 s: 6000 calls, 6000 ok, 0 failed (+0 uas), 61 still open` — left out of the figures. */
export function warmupNote(f: RunFigures): string | undefined {
  const w = f.warmup;
  if (!w) return undefined;
  return `warm-up ${w.seconds} s: ${w.attempted} calls, ${w.successful} ok, ${w.failed} failed (+${w.uasFailed} uas), ${w.carriedOver} still open`;
}
