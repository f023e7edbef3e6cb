/**
 * RTCP for one session (RFC 3550 §6): a compound SR or RR with SDES CNAME about every
 * five seconds, randomised to [0.5, 1.5] × the interval (§6.3.1) so that endpoints started
 * together do not report in lockstep; a BYE when the session ends (§6.6). Report blocks
 * carry LSR/DLSR from the remote party's last SR so that it can compute the round trip.
 */
import type { Clock, TimerHandle } from '../../shared/index.js';
import {
  buildReportCompound,
  compactNtp,
  ntpFromUnixMs,
  toCompactNtpDuration,
  type ReportBlock,
  type RtcpPacket,
} from '../rtp/index.js';
import type { ReceiveStatistics } from './receive-statistics.js';
import type { RtpSender } from './rtp-sender.js';

export const RTCP_INTERVAL_MS = 5000;

export class RtcpReporter {
  private timer: TimerHandle | undefined;
  private lastSr: { readonly compact: number; readonly at: number } | undefined;
  private sentAtLastReport = 0;
  private reportsSent = 0;

  constructor(
    private readonly clock: Clock,
    private readonly sender: RtpSender,
    private readonly stats: ReceiveStatistics,
    private readonly cname: string,
    private readonly transmit: (datagram: Buffer) => void,
    private readonly intervalMs = RTCP_INTERVAL_MS,
  ) {}

  get reports(): number {
    return this.reportsSent;
  }

  start(): void {
    if (this.timer) return;
    this.schedule();
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Remembers the remote party's last SR for the LSR/DLSR fields (§6.4.1). */
  onRtcp(packets: readonly RtcpPacket[]): void {
    for (const p of packets) {
      if (p.type === 'SenderReport') {
        this.lastSr = { compact: compactNtp({ ntpSeconds: p.ntpSeconds, ntpFraction: p.ntpFraction }), at: this.clock.now() };
      }
    }
  }

  /** The final compound: a report and a BYE (§6.6). */
  bye(reason = 'session ended'): Buffer {
    this.stop();
    return this.compound({ reason });
  }

  private schedule(): void {
    const delay = this.intervalMs * (0.5 + Math.random());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.transmit(this.compound(false));
      this.reportsSent += 1;
      this.schedule();
    }, delay);
  }

  private compound(bye: false | { readonly reason: string }): Buffer {
    const reports = this.reportBlocks();
    const ssrc = this.sender.ssrc;
    const sentSince = this.sender.packetsSent > this.sentAtLastReport;
    this.sentAtLastReport = this.sender.packetsSent;
    // §6.4: an SR when we sent data since the last report, else an RR.
    const report = sentSince
      ? {
          type: 'SenderReport' as const,
          ssrc,
          // Wall-clock time for the NTP field: the monotonic clock placed on the epoch.
          ...ntpFromUnixMs(performance.timeOrigin + this.clock.now()),
          rtpTimestamp: this.sender.timestampNow(),
          packetCount: this.sender.packetsSent >>> 0,
          octetCount: this.sender.octetsSent >>> 0,
          reports,
        }
      : { type: 'ReceiverReport' as const, ssrc, reports };
    return buildReportCompound({ report, cname: this.cname, ...(bye ? { bye } : {}) });
  }

  private reportBlocks(): ReportBlock[] {
    const source = this.stats.stats.ssrc;
    const r = this.stats.report();
    if (source === undefined || !r) return [];
    const lsr = this.lastSr;
    return [
      {
        ssrc: source,
        fractionLost: r.fractionLost,
        cumulativeLost: r.cumulativeLost,
        highestSequence: r.extendedHighestSequence,
        jitter: r.jitter,
        lastSenderReport: lsr ? lsr.compact : 0,
        delaySinceLastSenderReport: lsr ? toCompactNtpDuration(this.clock.now() - lsr.at) : 0,
      },
    ];
  }
}
