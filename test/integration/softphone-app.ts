/**
 * The whole app for the softphone tests: an embedded Engine on 127.0.0.1 (SIP UDP+TCP and
 * the wire socket on ports picked at run time, a random secret) and startLineGate on it,
 * exactly as `linegate run` composes them, with a dialplan written to a temp folder and
 * the var dir (store snapshot, event log) inside it. Users alice (100, +14155550100) and
 * bob (101, +14155550101) have random passwords given by env references; the trunk
 * `carrier` is 127.0.0.1 (a device there is told apart by its From, call-source.ts).
 *
 * startLineGate reads secrets from process.env (readDialplan), so the passwords are put
 * there for the app's start and removed again right after (see the report: an `env`
 * for the dialplan would avoid it).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import pino from 'pino';
import type { CallShell } from '../../src/b2bua/call/index.js';
import { parseEngineFlags } from '../../src/config/index.js';
import { parseCallEvent, type CallEvent } from '../../src/events/index.js';
import { startLineGate } from '../../src/main.js';
import { createRegistry } from '../../src/observability/index.js';
import { Engine } from '../../src/sip/index.js';
import { sleep } from '../helpers/until.js';

export type SoftphoneUser = 'alice' | 'bob';

export interface SoftphoneApp {
  readonly dir: string;
  readonly eventsDir: string;
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly shell: CallShell;
  readonly passwords: Readonly<Record<SoftphoneUser, string>>;
  /** Bindings the registrar reported in its last 'REGISTER accepted' line for the user's AOR. */
  registered(user: SoftphoneUser): number;
  /** The app's pino log so far (info level). */
  logText(): string;
  close(): Promise<void>;
}

const ENV = { alice: 'LINEGATE_SOFTPHONE_ALICE_PASSWORD', bob: 'LINEGATE_SOFTPHONE_BOB_PASSWORD' } as const;

/**
 * `algorithms` is the registrar's list; undefined leaves the dialplan default ([MD5, SHA-256]).
 * Debian 12's baresip (libre 1.1) refuses a 401 that carries any non-MD5 challenge, even
 * after an MD5 one, so the baresip tests run with [MD5].
 */
export function softphoneDialplan(trunkPort: number, algorithms: readonly string[] | undefined): string {
  const address = '{ street: 1 Market St, unit: Floor 4, city: San Francisco, region: CA, postalCode: "94105", country: US }';
  return `version: 1
domain: 127.0.0.1
defaultCountry: US
${algorithms ? `registrar: { algorithms: [${algorithms.join(', ')}] }\n` : ''}users:
  - id: alice
    displayName: Alice Example
    businessNumber: "+14155550100"
    extension: "100"
    sip: { password: { env: ${ENV.alice} } }
    ringPlan: { strategy: simultaneous, timeoutS: 15, targets: [ { to: devices } ] }
    emergencyAddress: ${address}
  - id: bob
    displayName: Bob Example
    businessNumber: "+14155550101"
    extension: "101"
    sip: { password: { env: ${ENV.bob} } }
    ringPlan: { strategy: simultaneous, timeoutS: 15, targets: [ { to: devices } ] }
    emergencyAddress: ${address}
trunks:
  - name: carrier
    inbound: { sources: ["127.0.0.1"] }
    outbound: { uri: "sip:127.0.0.1:${trunkPort}" }
    numberFormat: e164
emergency:
  numbers: ["911", "933"]
  trunk: carrier
`;
}

/** Collects pino's JSON lines in memory (the test prints them when it fails). */
class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

export interface SoftphoneAppOptions {
  /** Where the trunk's outbound URI points. Default port 9 (discard: no call goes out in these tests). */
  trunkPort?: number;
  /** registrar.algorithms; default [MD5] (see softphoneDialplan); null: the dialplan default. */
  algorithms?: readonly string[] | null;
}

export async function startSoftphoneApp(opts: SoftphoneAppOptions = {}): Promise<SoftphoneApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'linegate-softphone-'));
  const dialplanPath = path.join(dir, 'dialplan.yaml');
  writeFileSync(dialplanPath, softphoneDialplan(opts.trunkPort ?? 9, opts.algorithms === null ? undefined : opts.algorithms ?? ['MD5']));
  const passwords = { alice: `a-${randomBytes(6).toString('hex')}`, bob: `b-${randomBytes(6).toString('hex')}` };
  const flags = parseEngineFlags(['--contact', 'sip:127.0.0.1:0;transport=udp,tcp', '--address', '127.0.0.1', '--port', '0',
    '--secret', randomBytes(8).toString('hex'), '--loglevel', 'info']);
  if (!flags.ok) throw new Error(JSON.stringify(flags.errors));
  const capture = new LogCapture();
  const log = pino({ level: 'info' }, capture);
  const engine = await Engine.start({ sip: flags.flags.sip, wire: flags.flags.wire, logger: log.child({ component: 'wire' }) });
  const saved = { alice: process.env[ENV.alice], bob: process.env[ENV.bob] };
  process.env[ENV.alice] = passwords.alice;
  process.env[ENV.bob] = passwords.bob;
  let running;
  try {
    running = await startLineGate({ flags: flags.flags, engine, log, dialplanPath, varDir: path.join(dir, 'var'), registry: createRegistry(), env: {} });
  } catch (err) {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    restoreEnv(ENV.alice, saved.alice);
    restoreEnv(ENV.bob, saved.bob);
  }
  if (!running) {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`startLineGate refused the dialplan (${process.exitCode === 2 ? 'see the errors above' : 'unknown reason'})`);
  }
  const app = running;
  const listener = (protocol: 'udp' | 'tcp'): number => engine.sipListeners().find((l) => l.protocol === protocol)?.port ?? 0;
  let closing: Promise<void> | undefined;
  return {
    dir, eventsDir: path.join(dir, 'var', 'events'), udpPort: listener('udp'), tcpPort: listener('tcp'),
    shell: app.shell, passwords,
    registered: (user) => lastBindingCount(capture.text, `sip:${user}@127.0.0.1`),
    logText: () => capture.text,
    close: () => (closing ??= (async () => {
      await app.drain();
      await app.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    })()),
  };
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function lastBindingCount(log: string, aor: string): number {
  let count = 0;
  for (const line of log.split('\n')) {
    if (!line.includes('REGISTER accepted')) continue;
    const entry = JSON.parse(line) as { aor?: string; bindings?: number };
    if (entry.aor === aor) count = entry.bindings ?? 0;
  }
  return count;
}

/**
 * Every call event in the file event log's segment files (`<crc32 hex> <json>` lines,
 * src/events/log-frame.ts), oldest first; each checked with parseCallEvent. Reading the
 * files, not the app's memory, is the point: they are what survives the process.
 */
export async function readCallEvents(eventsDir: string): Promise<CallEvent[]> {
  const events: CallEvent[] = [];
  const segments = readdirSync(eventsDir).filter((n) => /^segment-\d+\.log$/.test(n)).sort();
  for (const name of segments) {
    for (const line of readFileSync(path.join(eventsDir, name), 'utf8').split('\n')) {
      if (line === '') continue;
      const json = line.slice(9);
      if (crc32(Buffer.from(json, 'utf8')).toString(16).padStart(8, '0') !== line.slice(0, 8)) throw new Error(`bad CRC in ${name}: ${line}`);
      const parsed = parseCallEvent((JSON.parse(json) as { e: unknown }).e);
      if (!parsed.ok) throw new Error(`event rejected by parseCallEvent in ${name}: ${line}`);
      events.push(parsed.event);
    }
  }
  return Promise.resolve(events);
}

/** Polls the event log files until `done` holds for what they hold. */
export async function waitForEvents(a: SoftphoneApp, done: (events: readonly CallEvent[]) => boolean, timeoutMs: number): Promise<CallEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await readCallEvents(a.eventsDir);
    if (done(events)) return events;
    if (Date.now() > deadline) throw new Error(`event log: condition not met within ${timeoutMs} ms; it holds ${JSON.stringify(events)}`);
    await sleep(50);
  }
}

/** The events of the one call whose first event `first` accepts, in seq order. */
export function callOf(events: readonly CallEvent[], first: (e: CallEvent) => boolean): CallEvent[] {
  const starts = events.filter(first);
  if (starts.length !== 1) throw new Error(`expected one matching call, found ${starts.length} in ${JSON.stringify(events)}`);
  const callId = (starts[0] as CallEvent).callId;
  return events.filter((e) => e.callId === callId).sort((x, y) => x.seq - y.seq);
}
