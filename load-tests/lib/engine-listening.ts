/**
 * What `bin/linegate engine --loglevel info` says once it is listening: a pino JSON line
 *   {"level":30,…,"sip":"udp/127.0.0.1:50671, tcp/127.0.0.1:43613","wire":{"address":"127.0.0.1","port":42885},"msg":"linegate engine listening"}
 * from which the runner learns the ports the engine bound (it is started on port 0). Pure.
 */

export interface EngineListening {
  /** SIP ports by transport (absent when the engine does not listen on it). */
  readonly udp?: number;
  readonly tcp?: number;
  readonly wire: { readonly address: string; readonly port: number };
}

const LISTENING_MSG = 'linegate engine listening';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function sipPort(sip: string, protocol: 'udp' | 'tcp'): number | undefined {
  for (const item of sip.split(',')) {
    const m = /^\s*(udp|tcp)\/(.+):(\d+)\s*$/.exec(item);
    if (m?.[1] === protocol) return Number(m[3]);
  }
  return undefined;
}

/** The ports in the engine's "listening" log line; undefined for any other line. */
export function parseEngineListening(line: string): EngineListening | undefined {
  if (!line.includes(LISTENING_MSG)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(json) || json.msg !== LISTENING_MSG || typeof json.sip !== 'string' || !isRecord(json.wire)) return undefined;
  const { address, port } = json.wire;
  if (typeof address !== 'string' || typeof port !== 'number') return undefined;
  const udp = sipPort(json.sip, 'udp');
  const tcp = sipPort(json.sip, 'tcp');
  return { ...(udp === undefined ? {} : { udp }), ...(tcp === undefined ? {} : { tcp }), wire: { address, port } };
}
