/** Follows one sipp stat file while sipp runs and keeps its latest snapshot row. */
import { LineTail } from './line-tail.js';
import { parseStatHeader, parseStatLine, type SippStatRow } from './sipp-stat-csv.js';

export class StatFollower {
  private readonly tail: LineTail;
  private header: string[] | undefined;
  private lastRow: SippStatRow | undefined;

  constructor(path: string) {
    this.tail = new LineTail(path);
  }

  /** Reads what sipp appended since the last poll; returns the latest row. */
  poll(): SippStatRow | undefined {
    for (const line of this.tail.readNewLines()) {
      if (this.header === undefined) {
        this.header = parseStatHeader(line);
        continue;
      }
      const row = parseStatLine(this.header, line);
      if (row) this.lastRow = row;
    }
    return this.lastRow;
  }

  get last(): SippStatRow | undefined {
    return this.lastRow;
  }

  close(): void {
    this.tail.close();
  }
}

/** One progress line (pure). */
export function formatProgress(elapsedS: number, uac: SippStatRow | undefined, uas: SippStatRow | undefined): string {
  const t = `[${elapsedS.toFixed(0).padStart(4)}s]`;
  if (!uac) return `${t} waiting for sipp statistics`;
  const retrans = uac.retransmissions + (uas?.retransmissions ?? 0);
  return [
    t,
    `cps ${uac.callRatePeriodic.toFixed(1).padStart(6)} (target ${uac.targetRate})`,
    `started ${uac.totalCallsCreated}`,
    `ok ${uac.successfulCalls}`,
    `failed ${uac.failedCalls}${uas && uas.failedCalls > 0 ? ` (+uas ${uas.failedCalls})` : ''}`,
    `open ${uac.currentCalls}`,
    `retrans ${retrans}`,
  ].join('  ');
}
