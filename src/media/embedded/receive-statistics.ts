/**
 * Reception statistics of one RTP source, as RFC 3550 Appendix A computes them: extended
 * highest sequence number with wrap-around and restarts (A.1), packets expected and lost
 * (A.3), interarrival jitter (A.8). They feed RTCP report blocks and metrics.
 */
const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export interface ReceptionReport {
  /** RFC 3550 §6.4.1 fraction lost since the previous report, in 1/256ths. */
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  readonly extendedHighestSequence: number;
  /** In timestamp units. */
  readonly jitter: number;
}

export interface ReceiveStats {
  readonly ssrc: number | undefined;
  readonly packets: number;
  readonly octets: number;
  readonly expected: number;
  readonly lost: number;
  /** Interarrival jitter in milliseconds. */
  readonly jitterMs: number;
}

export class ReceiveStatistics {
  private source: number | undefined;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private received = 0;
  private octets = 0;
  private jitter = 0;
  private lastTransit: number | undefined;
  private expectedPrior = 0;
  private receivedPrior = 0;

  constructor(private readonly clockRate = 8000) {}

  /** Counts one packet; `arrivalMs` is the local clock at arrival. */
  onPacket(ssrc: number, sequence: number, timestamp: number, payloadBytes: number, arrivalMs: number): void {
    if (ssrc !== this.source) this.restart(ssrc, sequence);
    else if (!this.updateSequence(sequence)) return;
    this.received += 1;
    this.octets += payloadBytes;
    // RFC 3550 A.8: transit time in timestamp units; jitter is its smoothed variation.
    const arrival = Math.round((arrivalMs * this.clockRate) / 1000);
    const transit = (arrival - timestamp) | 0;
    if (this.lastTransit !== undefined) {
      const d = Math.abs((transit - this.lastTransit) | 0);
      this.jitter += (d - this.jitter) / 16;
    }
    this.lastTransit = transit;
  }

  get stats(): ReceiveStats {
    return {
      ssrc: this.source,
      packets: this.received,
      octets: this.octets,
      expected: this.expected(),
      lost: Math.max(0, this.expected() - this.received),
      jitterMs: (this.jitter * 1000) / this.clockRate,
    };
  }

  /** A report block's numbers (RFC 3550 §6.4.1, A.3); moves the "since last report" mark. */
  report(): ReceptionReport | undefined {
    if (this.source === undefined) return undefined;
    const expected = this.expected();
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval << 8) / expectedInterval);
    return {
      fractionLost: Math.min(255, fractionLost),
      // RFC 3550 §6.4.1: a signed 24-bit count, clamped.
      cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, expected - this.received)),
      extendedHighestSequence: (this.cycles + this.maxSeq) >>> 0,
      jitter: Math.floor(this.jitter),
    };
  }

  private expected(): number {
    return this.source === undefined ? 0 : this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  /** A new SSRC is a new source: its counters start over (RFC 3550 §8.2). */
  private restart(ssrc: number, sequence: number): void {
    this.source = ssrc;
    this.octets = 0;
    this.jitter = 0;
    this.lastTransit = undefined;
    this.initSequence(sequence);
  }

  /** RFC 3550 A.1 init_seq. */
  private initSequence(sequence: number): void {
    this.baseSeq = sequence;
    this.maxSeq = sequence;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
  }

  /** RFC 3550 A.1 update_seq (without the probation of new sources). */
  private updateSequence(sequence: number): boolean {
    const delta = (sequence - this.maxSeq) & 0xffff;
    if (delta < MAX_DROPOUT) {
      if (sequence < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = sequence;
      return true;
    }
    if (delta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: accept it as a restart only when the next packet confirms it.
      if (sequence === this.badSeq) {
        this.initSequence(sequence);
        return true;
      }
      this.badSeq = (sequence + 1) & 0xffff;
      return false;
    }
    return true; // a duplicate or reordered packet from the recent past
  }
}
