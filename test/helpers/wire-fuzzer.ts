/**
 * Sends mutated SIP messages to a running engine over UDP (one socket, paced) and TCP
 * (several lanes, each reconnecting when the engine closes its connection), and reports
 * what came back. Every input comes from one seed; the last ones sent are kept to
 * explain a crash.
 */
import { parseMessage } from '../../src/sip/message/index.js';
import { transportStats, type EngineUnderTest } from './engine-under-test.js';
import { SEED_KINDS, seedDraft, type SeedKind } from './fuzz-seeds.js';
import { RawTcpPeer } from './raw-tcp-peer.js';
import { ResponseTally } from './response-tally.js';
import { mutate, type Mutant } from './sip-mutator.js';
import { UdpSipPeer } from './udp-sip-peer.js';
import { sleep, tick } from './until.js';
import { Xorshift32 } from './xorshift32.js';

export interface WireFuzzOptions {
  seed: number;
  udpMessages: number;
  tcpLanes: number;
  tcpMessagesPerLane: number;
  /** The engine's maxMessageSize: huge mutants aim just below and above it. */
  maxMessageSize: number;
  /** Fuzzing stops when this runs out; the report says how far it got. */
  budgetMs: number;
}

/**
 * A mutant left valid and sent over UDP, whose answer the test can check. (Over TCP a
 * valid message may be swallowed as the body of a mutant before it, so none is kept.)
 */
export interface Control {
  kind: SeedKind;
  callId: string;
}

export interface WireFuzzReport {
  udpSent: number;
  udpMs: number;
  tcpSent: number;
  tcpMs: number;
  tcpConnections: number;
  /** Mutants written again on a new connection because the engine had closed the old one. */
  tcpResent: number;
  controls: Control[];
}

/** Largest UDP payload over IPv4. */
const MAX_UDP_PAYLOAD = 65_507;
/** Pacing: the engine reads each batch before the next is sent, so its socket buffer never overflows. */
const BATCH_MESSAGES = 200;
const BATCH_BYTES = 128 * 1024;
const RECENT = 30;

/** Whatever the engine sends must at least parse with its own parser. */
function validator(datagram: boolean): (msg: Buffer) => string | undefined {
  return (msg) => {
    const p = parseMessage(msg, { datagram });
    return p.ok ? undefined : `${p.code}: ${p.error}`;
  };
}

export class WireFuzzer {
  readonly udpTally = new ResponseTally(validator(true));
  readonly tcpTally = new ResponseTally(validator(false));
  private readonly recentInputs: string[] = [];
  private readonly controls: Control[] = [];
  private udp: UdpSipPeer | undefined;
  private tcpConnections = 0;
  private tcpResent = 0;

  constructor(private readonly t: EngineUnderTest, private readonly o: WireFuzzOptions) {}

  get udpPeer(): UdpSipPeer | undefined {
    return this.udp;
  }

  async run(): Promise<WireFuzzReport> {
    this.udp = await UdpSipPeer.open({ keep: 0, tally: this.udpTally });
    const root = new Xorshift32(this.o.seed);
    const udpRng = root.fork();
    const laneRngs = Array.from({ length: this.o.tcpLanes }, () => root.fork());
    const deadline = Date.now() + this.o.budgetMs;
    const [udp, ...lanes] = await Promise.all([
      this.fuzzUdp(this.udp, udpRng, deadline),
      ...laneRngs.map((rng, i) => this.fuzzTcpLane(i, rng, this.udp?.port ?? 9, deadline)),
    ]);
    return {
      udpSent: udp?.sent ?? 0, udpMs: udp?.ms ?? 0,
      tcpSent: lanes.reduce((n, l) => n + l.sent, 0), tcpMs: Math.max(0, ...lanes.map((l) => l.ms)),
      tcpConnections: this.tcpConnections, tcpResent: this.tcpResent, controls: this.controls,
    };
  }

  /** The last inputs sent (label and first bytes), oldest first. */
  recent(): string {
    return this.recentInputs.join('\n');
  }

  close(): Promise<void> {
    return this.udp?.close() ?? Promise.resolve();
  }

  private next(rng: Xorshift32, transport: 'UDP' | 'TCP', localPort: number, enginePort: number, maxWireSize: number, where: string): Mutant {
    const draft = seedDraft(rng.pick(SEED_KINDS), rng, { transport, localPort, enginePort });
    const m = mutate(draft, rng, { maxMessageSize: this.o.maxMessageSize, maxWireSize });
    if (m.control && transport === 'UDP') {
      this.controls.push({ kind: draft.kind, callId: draft.callId });
      this.udpTally.watch(draft.callId);
    }
    this.recentInputs.push(`${where} [${m.label}] ${JSON.stringify(m.bytes.toString('latin1').slice(0, 400))}`);
    if (this.recentInputs.length > RECENT) this.recentInputs.shift();
    return m;
  }

  private async fuzzUdp(peer: UdpSipPeer, rng: Xorshift32, deadline: number): Promise<{ sent: number; ms: number }> {
    const started = Date.now();
    const port = this.t.udpPort;
    const baseline = transportStats(this.t.engine).datagramsIn - peer.sent;
    let batch: Promise<boolean>[] = [];
    let batchBytes = 0;
    const drain = async (): Promise<void> => {
      await Promise.all(batch);
      batch = [];
      batchBytes = 0;
      const until = Date.now() + 1000;
      while (transportStats(this.t.engine).datagramsIn - baseline < peer.sent && Date.now() < until) await tick();
    };
    let i = 0;
    for (; i < this.o.udpMessages && Date.now() < deadline; i++) {
      const m = this.next(rng, 'UDP', peer.port, port, MAX_UDP_PAYLOAD, `udp#${i}`);
      batch.push(peer.send(m.bytes, port));
      batchBytes += m.bytes.length;
      if (batch.length >= BATCH_MESSAGES || batchBytes >= BATCH_BYTES) await drain();
    }
    await drain();
    return { sent: i, ms: Date.now() - started };
  }

  /** `viaPort`: what our Via and Contact name; nothing listens for TCP there. */
  private async fuzzTcpLane(lane: number, rng: Xorshift32, viaPort: number, deadline: number): Promise<{ sent: number; ms: number }> {
    const started = Date.now();
    const port = this.t.tcpPort;
    const open = (): Promise<RawTcpPeer> => {
      this.tcpConnections++;
      return RawTcpPeer.open(port, this.tcpTally);
    };
    let peer: RawTcpPeer | undefined;
    let i = 0;
    for (; i < this.o.tcpMessagesPerLane && Date.now() < deadline; i++) {
      if (!peer || peer.isClosed) peer = await open();
      // Above maxMessageSize too: over TCP that is a framing error that must close the connection.
      const m = this.next(rng, 'TCP', viaPort, port, this.o.maxMessageSize + 2000, `tcp${lane}#${i}`);
      if (!(await peer.write(m.bytes))) {
        // The engine closed this connection after the previous mutant: send this one on a new one.
        this.tcpResent++;
        peer = await open();
        await peer.write(m.bytes);
      }
      // Two turns of the loop: the engine reads, and a close it decides on reaches us.
      await tick();
      await tick();
    }
    const ms = Date.now() - started;
    await sleep(200); // answers still on their way
    await peer?.destroy();
    return { sent: i, ms };
  }
}
