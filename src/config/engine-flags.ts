/**
 * drachtio-server's command-line flags, so a deployment can swap its binary for
 * `linegate engine` (issue #2 §4): --contact, --address, --port, --secret, --loglevel,
 * plus --external-ip. Bad flags fail at start naming the flag and the fix.
 */
export interface EngineFlags {
  sip: Array<{ protocol: 'udp' | 'tcp'; address: string; port: number }>;
  wire: { address: string; port: number; secret: string };
  externalAddress?: string;
  /** Not a drachtio-server flag: /metrics, /healthz, /readyz on this port (127.0.0.1 unless --metrics-address). */
  metrics?: { address: string; port: number };
  loglevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface FlagError {
  flag: string;
  message: string;
  fix: string;
}

export type FlagResult = { ok: true; flags: EngineFlags } | { ok: false; errors: FlagError[] };

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** `sip:HOST:PORT;transport=udp,tcp` (drachtio's --contact); IPv6 hosts in brackets. */
export function parseContact(value: string): { ok: true; listeners: EngineFlags['sip'] } | { ok: false; message: string } {
  const m = /^sips?:(\[[0-9a-fA-F:.]+\]|[^:;[\]]+)(?::(\d+))?(?:;transport=([a-z,]+))?$/i.exec(value.trim());
  if (!m) return { ok: false, message: `cannot read "${value}"` };
  const address = (m[1] as string).replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : 5060;
  if (port > 65535) return { ok: false, message: `port ${port} is out of range` };
  const protos = (m[3] ?? 'udp,tcp').toLowerCase().split(',');
  const listeners: EngineFlags['sip'] = [];
  for (const p of protos) {
    if (p !== 'udp' && p !== 'tcp') return { ok: false, message: `transport "${p}" is not supported (udp, tcp)` };
    listeners.push({ protocol: p, address, port });
  }
  return { ok: true, listeners };
}

export function parseEngineFlags(argv: readonly string[], env: NodeJS.ProcessEnv = {}): FlagResult {
  const errors: FlagError[] = [];
  const sip: EngineFlags['sip'] = [];
  const flags: EngineFlags = {
    sip,
    wire: {
      address: env.DRACHTIO_ADMIN_ADDRESS ?? '127.0.0.1',
      port: Number(env.DRACHTIO_ADMIN_TCP_PORT ?? 9022),
      secret: env.DRACHTIO_SECRET ?? 'cymru',
    },
    loglevel: 'info',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const takesValue = ['--contact', '-c', '--address', '--port', '--secret', '--loglevel', '-l', '--external-ip', '--metrics-port', '--metrics-address'].includes(name);
    if (!takesValue) {
      // An unknown flag used to be ignored, so a typo (--secert) or a drachtio-server TLS flag
      // started an engine without the setting the operator asked for.
      errors.push(unknownFlag(name));
      if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]?.startsWith('-')) i++; // its value, if any
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      errors.push({ flag: name, message: 'needs a value', fix: `give it one, e.g. ${name} ${example(name)}` });
      continue;
    }
    applyFlag(flags, name, value, errors);
  }
  if (sip.length === 0) sip.push({ protocol: 'udp', address: '127.0.0.1', port: 5060 }, { protocol: 'tcp', address: '127.0.0.1', port: 5060 });
  return errors.length ? { ok: false, errors } : { ok: true, flags };
}

function applyFlag(flags: EngineFlags, name: string, value: string, errors: FlagError[]): void {
  switch (name) {
    case '--contact':
    case '-c': {
      const c = parseContact(value);
      if (c.ok) flags.sip.push(...c.listeners);
      else errors.push({ flag: '--contact', message: c.message, fix: 'use the form sip:HOST:PORT;transport=udp,tcp' });
      return;
    }
    case '--address':
      flags.wire.address = value;
      return;
    case '--port': {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        errors.push({ flag: '--port', message: `"${value}" is not a port`, fix: 'give a number from 0 to 65535 (0 picks a free port)' });
      } else flags.wire.port = port;
      return;
    }
    case '--secret':
      flags.wire.secret = value;
      return;
    case '--external-ip':
      flags.externalAddress = value;
      return;
    case '--metrics-address':
      flags.metrics = { address: value, port: flags.metrics?.port ?? 9464 };
      return;
    case '--metrics-port': {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        errors.push({ flag: '--metrics-port', message: `"${value}" is not a port`, fix: 'give a number from 0 to 65535' });
      } else flags.metrics = { address: flags.metrics?.address ?? '127.0.0.1', port };
      return;
    }
    default:
      if (!LEVELS.has(value)) {
        errors.push({ flag: '--loglevel', message: `unknown level "${value}"`, fix: `use one of ${[...LEVELS].join(', ')}` });
      } else flags.loglevel = value as EngineFlags['loglevel'];
  }
}

/** drachtio-server's TLS and WebSocket settings, which the embedded engine does not have. */
const UNSUPPORTED_TRANSPORT_FLAGS = new Set(['--tls-port', '--key-file', '--cert-file', '--chain-file', '--dh-param', '--wss-port', '--ws-port']);

function unknownFlag(name: string): FlagError {
  if (UNSUPPORTED_TRANSPORT_FLAGS.has(name)) {
    return {
      flag: name,
      message: 'TLS and WebSocket are not implemented by the embedded engine (plain UDP and TCP only)',
      fix: 'remove it, or run drachtio-server (docker-compose.yml) where TLS is needed',
    };
  }
  return { flag: name, message: 'unknown flag', fix: 'see `linegate help` for the flags the engine takes' };
}

function example(name: string): string {
  return name === '--contact' || name === '-c' ? '"sip:127.0.0.1:5060;transport=udp,tcp"' : name === '--port' ? '9022' : '<value>';
}

export function formatFlagErrors(errors: readonly FlagError[]): string {
  return errors.map((e) => `linegate: ${e.flag}: ${e.message} — fix: ${e.fix}`).join('\n');
}

/** The process-level entry: config/ is the only reader of process.env (architecture §3). */
export function readEngineFlags(argv: readonly string[]): FlagResult {
  return parseEngineFlags(argv, process.env);
}
