/**
 * RTP ports from a configured range: even numbers for RTP, the odd one above for RTCP
 * (RFC 3550 §11). Allocation walks the range round-robin, so a released port is the last
 * to be handed out again: late packets of a finished call do not land in a new one.
 */
export interface PortRange {
  readonly min: number;
  readonly max: number;
}

export class PortAllocator {
  private readonly first: number;
  private readonly slots: number;
  private readonly used = new Set<number>();
  private cursor = 0;

  constructor(range: PortRange) {
    if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < 1 || range.max > 65535) {
      throw new RangeError(`port range ${range.min}-${range.max} is not within 1-65535`);
    }
    this.first = range.min % 2 === 0 ? range.min : range.min + 1;
    // Each slot needs its RTP port and RTP+1 inside the range.
    this.slots = Math.max(0, Math.floor((range.max - this.first + 1) / 2));
    if (this.slots === 0) throw new RangeError(`port range ${range.min}-${range.max} holds no RTP/RTCP pair`);
  }

  /** How many RTP/RTCP pairs the range holds. */
  get capacity(): number {
    return this.slots;
  }

  get inUse(): number {
    return this.used.size;
  }

  /** The next free even port, or undefined when every pair is taken. */
  allocate(): number | undefined {
    for (let i = 0; i < this.slots; i++) {
      const slot = (this.cursor + i) % this.slots;
      const port = this.first + 2 * slot;
      if (!this.used.has(port)) {
        this.used.add(port);
        this.cursor = (slot + 1) % this.slots;
        return port;
      }
    }
    return undefined;
  }

  release(port: number): void {
    this.used.delete(port);
  }
}
