/** RTP numbers of one endpoint, for metrics (linegate_media_* gauges) and diagnostics. */
import type { MediaCodec } from '../media-port.js';
import type { ReceiveStats } from './receive-statistics.js';
import type { RtpSession, RtpSessionCounters } from './rtp-session.js';
import type { UdpTarget } from './udp-pair.js';

export interface EndpointStats {
  readonly localPort: number;
  /** Where RTP is sent now (after latching). */
  readonly remote: UdpTarget | undefined;
  readonly codec: MediaCodec | undefined;
  readonly received: ReceiveStats;
  readonly sent: { readonly packets: number; readonly octets: number };
  readonly counters: RtpSessionCounters;
}

export function endpointStats(session: RtpSession): EndpointStats {
  return {
    localPort: session.localPort,
    remote: session.remote,
    codec: session.negotiated?.codec,
    received: session.receiveStats,
    sent: { packets: session.sender.packetsSent, octets: session.sender.octetsSent },
    counters: session.counters,
  };
}
