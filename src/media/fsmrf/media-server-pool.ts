/**
 * The FreeSWITCH servers of one FsmrfMediaPort and the choice of where a new endpoint
 * goes. Policy: least loaded, ties broken round robin.
 *   load = max(endpoints this port holds on the server (creations in flight included),
 *              Session-Count of the server's last HEARTBEAT)
 * Our own count is exact and immediate; the heartbeat (every 20 s by default) also counts
 * other applications' channels. A server whose ESL connection is down, or whose heartbeat
 * shows Session-Count ≥ Max-Sessions, is skipped.
 */
import type Mrf from 'drachtio-fsmrf';
import type { Clock } from '../../shared/index.js';
import { FSMRF_ERROR_CODES, mediaError } from './fsmrf-errors.js';
import type { FsmrfLogger } from './fsmrf-logger.js';
import { TIMED_OUT, raceTimeout } from './race-timeout.js';

export interface FsmrfServerConfig {
  /** The event socket's address (mod_event_socket listen-ip). */
  readonly address: string;
  /** Default 8021. */
  readonly port?: number;
  /** mod_event_socket password; default ClueCon. */
  readonly secret?: string;
  /** Where this process listens for FreeSWITCH's per-channel outbound ESL connections. */
  readonly listenAddress?: string;
  /** Default 0 (any free port). */
  readonly listenPort?: number;
  /** Address/port FreeSWITCH must connect back to, when not the listen address (NAT, containers). */
  readonly advertisedAddress?: string;
  readonly advertisedPort?: number;
  /** Sofia profile the INVITEs go to; default drachtio_mrf. */
  readonly profile?: string;
}

export interface PoolMember {
  /** "address:port" of the event socket. */
  readonly key: string;
  readonly config: FsmrfServerConfig;
  server: Mrf.MediaServer | undefined;
  /** Endpoints this port holds on the server, creations in flight included. */
  endpoints: number;
}

export class MediaServerPool {
  private readonly members: PoolMember[];
  private cursor = 0;

  constructor(configs: readonly FsmrfServerConfig[]) {
    this.members = configs.map((config) => ({ key: `${config.address}:${config.port ?? 8021}`, config, server: undefined, endpoints: 0 }));
  }

  /** Connects every server; succeeds when at least one answered, else MEDIA_SERVER_UNAVAILABLE. */
  async connect(mrf: Mrf, o: { clock: Clock; timeoutMs: number; logger: FsmrfLogger }): Promise<void> {
    const failures: string[] = [];
    await Promise.all(this.members.map(async (m) => {
      const pending = mrf.connect(connectOptions(m.config));
      try {
        m.server = await withTimeout(pending, o.timeoutMs, o.clock);
        o.logger.info({ server: m.key }, 'connected to FreeSWITCH');
      } catch (err) {
        const text = err instanceof Error ? err.message : String(err);
        failures.push(`${m.key}: ${text}`);
        pending.then((late) => late.disconnect(), () => undefined); // a connection that comes after we gave up
        o.logger.warn({ server: m.key, err }, 'cannot use FreeSWITCH');
      }
    }));
    if (!this.members.some((m) => m.server)) {
      throw mediaError(FSMRF_ERROR_CODES.SERVER_UNAVAILABLE, `no FreeSWITCH could be used (${failures.join('; ') || 'none configured'})`);
    }
  }

  /** The server for the next endpoint (see the policy above), or undefined when none is usable. */
  pick(): PoolMember | undefined {
    const n = this.members.length;
    let best: PoolMember | undefined;
    let bestLoad = Infinity;
    let bestIndex = 0;
    for (let i = 0; i < n; i++) {
      const index = (this.cursor + i) % n;
      const m = this.members[index] as PoolMember;
      const load = usable(m) ? loadOf(m) : Infinity;
      if (load < bestLoad) {
        best = m;
        bestLoad = load;
        bestIndex = index;
      }
    }
    if (best) this.cursor = (bestIndex + 1) % n;
    return best;
  }

  disconnect(): void {
    for (const m of this.members) {
      try {
        m.server?.disconnect();
      } catch {
        // already gone: nothing left to release
      }
      m.server = undefined;
    }
  }
}

function usable(m: PoolMember): boolean {
  const s = m.server;
  if (!s || !s.connected()) return false;
  return !(s.maxSessions > 0 && s.currentSessions >= s.maxSessions);
}

function loadOf(m: PoolMember): number {
  const reported = m.server?.currentSessions;
  return Math.max(m.endpoints, Number.isFinite(reported) ? (reported as number) : 0);
}

function connectOptions(c: FsmrfServerConfig): Mrf.ConnectOptions {
  const o: Mrf.ConnectOptions = { address: c.address, port: c.port ?? 8021, secret: c.secret ?? 'ClueCon' };
  if (c.listenAddress !== undefined) o.listenAddress = c.listenAddress;
  if (c.listenPort !== undefined) o.listenPort = c.listenPort;
  if (c.advertisedAddress !== undefined) o.advertisedAddress = c.advertisedAddress;
  if (c.advertisedPort !== undefined) o.advertisedPort = c.advertisedPort;
  if (c.profile !== undefined) o.profile = c.profile;
  return o;
}

/**
 * fsmrf's connect() never settles when authentication is refused (drachtio-modesl only
 * emits auth::fail), so the wait is bounded here.
 */
async function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock): Promise<T> {
  const outcome = await raceTimeout(p, ms, clock);
  if (outcome === TIMED_OUT) throw new Error(`no answer within ${ms} ms`);
  return outcome;
}
