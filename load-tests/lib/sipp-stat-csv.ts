/**
 * Parsing of sipp's statistics file (`-trace_stat -stf FILE -fd 1`), checked against
 * SIPp v3.6.1: one header line naming the counters, then one ';'-separated snapshot per
 * `-fd` period plus one or two at exit. "(P)" is periodic (since the previous row),
 * "(C)" cumulative. Timestamps contain tabs but no ';'. The header ends with ';'.
 * Malformed lines are skipped (a value, never an exception).
 */

/** The figures the runner uses from one snapshot row. */
export interface SippStatRow {
  /** Cumulative elapsed time, whole seconds (sipp prints HH:MM:SS). */
  readonly elapsedS: number;
  readonly targetRate: number;
  /** Calls created per second in the last period / since start. */
  readonly callRatePeriodic: number;
  readonly callRateCumulative: number;
  readonly incomingCalls: number;
  readonly outgoingCalls: number;
  readonly totalCallsCreated: number;
  readonly currentCalls: number;
  readonly successfulCalls: number;
  readonly failedCalls: number;
  readonly retransmissions: number;
  readonly outOfCallMessages: number;
  readonly deadCallMessages: number;
  /** Mean of RTD 1 since start, ms. */
  readonly responseTime1MeanMs: number;
  /** Non-zero cumulative failure counters by reason, e.g. `{ FailedMaxUDPRetrans: 2 }`. */
  readonly failures: Readonly<Record<string, number>>;
}

export function parseStatHeader(line: string): string[] {
  return line.split(';').map((name) => name.trim());
}

/** "HH:MM:SS" → seconds; "HH:MM:SS:micros" → seconds with fraction. NaN when malformed. */
export function parseSippClock(text: string): number {
  const parts = text.trim().split(':');
  if (parts.length < 3 || parts.length > 4) return Number.NaN;
  const [h, m, s, micros] = parts.map(Number);
  if (h === undefined || m === undefined || s === undefined) return Number.NaN;
  return h * 3600 + m * 60 + s + (micros === undefined ? 0 : micros / 1e6);
}

const FAILED_CUMULATIVE = /^(Failed\w+)\(C\)$/;

/** One data line against the header; `undefined` when the line does not fit the header. */
export function parseStatLine(header: readonly string[], line: string): SippStatRow | undefined {
  const cells = line.split(';');
  if (line.trim() === '' || cells.length < header.length - 1) return undefined;
  const byName = new Map<string, string>();
  header.forEach((name, i) => {
    if (name !== '') byName.set(name, cells[i] ?? '');
  });
  const num = (name: string): number => Number(byName.get(name) ?? Number.NaN);
  const failures: Record<string, number> = {};
  for (const [name, value] of byName) {
    const m = FAILED_CUMULATIVE.exec(name);
    // FailedCall(C) is the total of the reasons, reported on its own.
    if (m?.[1] !== undefined && m[1] !== 'FailedCall' && Number(value) > 0) failures[m[1]] = Number(value);
  }
  const row: SippStatRow = {
    elapsedS: parseSippClock(byName.get('ElapsedTime(C)') ?? ''),
    targetRate: num('TargetRate'),
    callRatePeriodic: num('CallRate(P)'),
    callRateCumulative: num('CallRate(C)'),
    incomingCalls: num('IncomingCall(C)'),
    outgoingCalls: num('OutgoingCall(C)'),
    totalCallsCreated: num('TotalCallCreated'),
    currentCalls: num('CurrentCall'),
    successfulCalls: num('SuccessfulCall(C)'),
    failedCalls: num('FailedCall(C)'),
    retransmissions: num('Retransmissions(C)'),
    outOfCallMessages: num('OutOfCallMsgs(C)'),
    deadCallMessages: num('DeadCallMsgs(C)'),
    responseTime1MeanMs: parseSippClock(byName.get('ResponseTime1(C)') ?? '') * 1000,
    failures,
  };
  return Number.isNaN(row.totalCallsCreated) || Number.isNaN(row.successfulCalls) ? undefined : row;
}

/** A whole stat file: the header and every well-formed row, in order. */
export function parseSippStatCsv(text: string): { header: string[]; rows: SippStatRow[] } {
  const lines = text.split(/\r?\n/);
  const first = lines.shift();
  if (first === undefined || first.trim() === '') return { header: [], rows: [] };
  const header = parseStatHeader(first);
  const rows: SippStatRow[] = [];
  for (const line of lines) {
    const row = parseStatLine(header, line);
    if (row) rows.push(row);
  }
  return { header, rows };
}
