/**
 * `bin/linegate sf-emulator [--port N] [--address A] [--index-lag-ms N]` — runs the emulator
 * with the demo org until SIGINT/SIGTERM (or until `io.signal` aborts, for tests), printing
 * where it listens and how to log in. Resolves with the exit code.
 */
import { DEMO_CLIENT, DEMO_EXTERNAL_ID_FIELD, DEMO_USER, demoOptions, seedDemoOrg } from './demo-org.js';
import { SalesforceEmulator } from './salesforce-emulator.js';

export interface SfEmulatorIo {
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  /** Stops the emulator when aborted (instead of a signal). */
  readonly signal?: AbortSignal;
}

const USAGE = `usage: linegate sf-emulator [--port N] [--address A] [--index-lag-ms N]

  --port N          TCP port to listen on (default 0: any free port)
  --address A       address to bind (default 127.0.0.1)
  --index-lag-ms N  how long new records take to become searchable by SOSL (default 60000)
`;

interface Flags {
  readonly port: number;
  readonly address: string;
  readonly indexLagMs: number;
}

export async function runSfEmulator(argv: readonly string[], io: SfEmulatorIo = {}): Promise<number> {
  const out = io.out ?? ((t: string) => void process.stdout.write(t));
  const err = io.err ?? ((t: string) => void process.stderr.write(t));
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return 0;
  }
  const flags = readFlags(argv);
  if (typeof flags === 'string') {
    err(`linegate sf-emulator: ${flags}\n${USAGE}`);
    return 2;
  }
  const sf = new SalesforceEmulator({ ...demoOptions(), port: flags.port, address: flags.address, searchIndexLagMs: flags.indexLagMs });
  let url: string;
  try {
    ({ url } = await sf.start());
  } catch (e) {
    err(`linegate sf-emulator: cannot listen on ${flags.address}:${flags.port}: ${(e as Error).message}\n`);
    return 1;
  }
  seedDemoOrg(sf, Date.now());
  out(banner(url, flags.indexLagMs));
  await untilStopped(io.signal);
  await sf.close();
  out('sf-emulator stopped\n');
  return 0;
}

function readFlags(argv: readonly string[]): Flags | string {
  const flags = { port: 0, address: '127.0.0.1', indexLagMs: 60_000 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    if (name !== '--port' && name !== '--address' && name !== '--index-lag-ms') return `unknown option ${name}`;
    if (value === undefined) return `${name} needs a value`;
    i += 1;
    if (name === '--address') {
      flags.address = value;
      continue;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || (name === '--port' && n > 65535)) return `${name} must be a non-negative integer${name === '--port' ? ' up to 65535' : ''}, got ${value}`;
    if (name === '--port') flags.port = n;
    else flags.indexLagMs = n;
  }
  return flags;
}

function banner(url: string, lagMs: number): string {
  return `Salesforce emulator listening on ${url}
  login URL / instance URL : ${url}   (API versions v50.0 … v66.0)
  username                 : ${DEMO_USER.username}
  password                 : ${DEMO_USER.password}
  security token           : ${DEMO_USER.securityToken}
  OAuth client (password)  : ${DEMO_CLIENT.clientId} / ${DEMO_CLIENT.clientSecret}
  Task external ID field   : ${DEMO_EXTERNAL_ID_FIELD}
  search index lag         : ${lagMs} ms
Seeded: Accounts Acme Corporation (415) 555-0100 and Globex +1 212 555 0199, Contacts Jane Doe
+1 415-555-0101 and John Smith 2125550123, Lead Pat Lee (650) 555-0142, Opportunity Acme - 500 seats.
Press Ctrl-C to stop.
`;
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (signal?.aborted) return stop();
    signal?.addEventListener('abort', stop);
    if (!signal) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
}
