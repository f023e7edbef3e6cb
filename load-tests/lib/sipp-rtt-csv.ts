/**
 * Parsing of sipp's response-time trace (`-trace_rtt -rtt_freq 1`), checked against
 * SIPp v3.6.1: header `Date_ms;response_time_ms;rtd_no`, then one line per completed
 * RTD: ms since sipp started, the response time in ms (1 ms resolution), the RTD number.
 * The file is named `<scenario>_<pid>_rtt.csv` in sipp's working directory.
 */

export interface RttSample {
  /** When the RTD stopped (the 200 arrived), ms since sipp started. */
  readonly atMs: number;
  readonly responseMs: number;
  readonly rtd: number;
}

export function parseSippRttCsv(text: string): RttSample[] {
  const samples: RttSample[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split(';');
    if (cells.length < 3) continue;
    const [atMs, responseMs, rtd] = cells.map((c) => Number(c.trim()));
    if (atMs === undefined || responseMs === undefined || rtd === undefined) continue;
    if ([atMs, responseMs, rtd].some((v) => Number.isNaN(v))) continue; // header or torn line
    samples.push({ atMs, responseMs, rtd });
  }
  return samples;
}
