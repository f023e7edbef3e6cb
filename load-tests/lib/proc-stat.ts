/**
 * Parsing of Linux /proc/<pid>/stat and /proc/<pid>/status (proc(5)). Pure: the
 * sampler reads the files, these functions only interpret the text.
 */

export interface ProcStat {
  readonly state: string;
  /** Field 14: user-mode CPU time, in clock ticks (sysconf(_SC_CLK_TCK)). */
  readonly utimeTicks: number;
  /** Field 15: kernel-mode CPU time, in clock ticks. */
  readonly stimeTicks: number;
}

/**
 * The command name (field 2) is in parentheses and may itself contain spaces and
 * parentheses, so split after the LAST ')'; field 3 (state) is then the first token.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const fieldAt = (n: number): string | undefined => fields[n - 3];
  const state = fieldAt(3);
  const utimeTicks = Number(fieldAt(14));
  const stimeTicks = Number(fieldAt(15));
  if (state === undefined || Number.isNaN(utimeTicks) || Number.isNaN(stimeTicks)) return undefined;
  return { state, utimeTicks, stimeTicks };
}

export interface ProcStatus {
  readonly name?: string;
  /** Resident set size now, kB. */
  readonly vmRssKb?: number;
  /** Peak resident set size over the process's whole life ("high water mark"), kB. */
  readonly vmHwmKb?: number;
}

export function parseProcStatus(text: string): ProcStatus {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const kb = (key: string): number | undefined => {
    const m = /^(\d+)\s*kB$/.exec(fields.get(key) ?? '');
    return m?.[1] === undefined ? undefined : Number(m[1]);
  };
  return { name: fields.get('Name'), vmRssKb: kb('VmRSS'), vmHwmKb: kb('VmHWM') };
}
