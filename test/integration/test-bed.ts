/**
 * One integration test's world: an embedded Engine on loopback (UDP + TCP SIP on
 * port 0, wire on port 0, T1 = 50 ms so that timer H is 3.2 s), unmodified
 * drachtio-srf apps connected to it, sipp peers, and raw UDP sockets. Everything a
 * test starts goes through a TestBed so that `teardown()` stops it all in the order
 * that leaves no socket or timer behind (mocha runs without --exit):
 *   1. sipp processes are killed (they are bounded by -timeout anyway);
 *   2. each srf app disconnects and we wait for its socket to close — srf retries a
 *      connection that the *server* closes, so apps must leave before the engine;
 *   3. each engine closes (bounded: a close that hangs is reported, then destroy()).
 * Teardown never throws (a failing afterEach would skip the rest of the file); what
 * went wrong is collected in `problems` and checked once per file by `useTestBed`.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import Srf from 'drachtio-srf';
import { Engine } from '../../src/sip/index.js';
import type { EngineOptions, Protocol } from '../../src/sip/index.js';
import { startSipp } from '../helpers/sipp.js';
import type { SippOptions, SippRun } from '../helpers/sipp.js';

export const SECRET = 'cymru';

/** A running engine and the host:port of each of its SIP listeners. */
export interface EngineUnderTest {
  engine: Engine;
  udp: string;
  tcp: string;
  /** host:port of the listener for `protocol`. */
  target(protocol: Protocol): string;
}

/** What a UDP socket standing in for an unresponsive SIP peer received. */
export interface SilentPeer {
  port: number;
  received: { text: string; from: RemoteInfo }[];
  /** Request methods received, in order (retransmissions included). */
  methods(): string[];
}

const CLOSE_LIMIT_MS = 5_000;

export class TestBed {
  readonly problems: string[] = [];
  private readonly engines: Engine[] = [];
  private readonly apps: Srf[] = [];
  private readonly sipps: SippRun[] = [];
  private readonly sockets: UdpSocket[] = [];

  async startEngine(opts: EngineOptions = {}): Promise<EngineUnderTest> {
    const engine = await Engine.start({
      sip: [
        { protocol: 'udp', address: '127.0.0.1', port: 0 },
        { protocol: 'tcp', address: '127.0.0.1', port: 0 },
      ],
      wire: { address: '127.0.0.1', port: 0, secret: SECRET },
      timers: { T1: 50 },
      ...opts,
    });
    this.engines.push(engine);
    const hostport = (protocol: Protocol): string => {
      const l = engine.sipListeners().find((x) => x.protocol === protocol);
      assert.ok(l, `engine has no ${protocol} listener`);
      return `${l.address}:${l.port}`;
    };
    return { engine, udp: hostport('udp'), tcp: hostport('tcp'), target: hostport };
  }

  /**
   * Connects a new srf app to the engine. `register` runs before connecting, so the
   * app's `route|verb` messages are sent right after authentication; we then wait a
   * little for the engine to have processed them before a test sends SIP traffic.
   */
  async connectApp(eut: EngineUnderTest, register: (srf: Srf) => void, tags?: string[]): Promise<Srf> {
    const srf = tags ? new Srf(tags) : new Srf();
    srf.on('error', (err: Error) => this.problems.push(`srf error: ${err.message}`));
    register(srf);
    const { address, port } = eut.engine.wireAddress();
    const connected = new Promise<void>((resolve, reject) => {
      srf.on('connect', (err: Error | null) => (err ? reject(err) : resolve()));
    });
    this.apps.push(srf);
    void srf.connect({ host: address, port, secret: SECRET });
    await withTimeout(connected, 3_000, 'srf app did not connect to the engine');
    await delay(50);
    return srf;
  }

  /** Disconnects one app now (the others stay), waiting for its socket to close. */
  async disconnectApp(srf: Srf): Promise<void> {
    const i = this.apps.indexOf(srf);
    if (i >= 0) this.apps.splice(i, 1);
    await this.leave(srf);
  }

  /**
   * Starts sipp. A UAS (no target) is awaited until it has bound its port, so that a
   * request sent right away is not lost (UDP) or refused (TCP).
   */
  async sipp(o: SippOptions): Promise<SippRun> {
    const run = await startSipp(o);
    this.sipps.push(run);
    if (!o.target) {
      const protocol = o.transport ?? 'udp';
      let isBound = false;
      await until(() => isBound || run.child.exitCode !== null, 3_000, `sipp to bind ${protocol} port ${run.port}`,
        async () => { isBound = await probeBound(protocol, run.port); });
    }
    return run;
  }

  /** A bound UDP socket that records whatever is sent to it and never answers. */
  async silentPeer(): Promise<SilentPeer> {
    const s = createSocket('udp4');
    this.sockets.push(s);
    const received: SilentPeer['received'] = [];
    s.on('message', (buf, from) => received.push({ text: buf.toString('utf8'), from }));
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return {
      port: s.address().port,
      received,
      methods: () => received.map((r) => /^([A-Z]+) /.exec(r.text)?.[1] ?? 'response'),
    };
  }

  async teardown(): Promise<void> {
    for (const run of this.sipps.splice(0)) run.kill();
    for (const srf of this.apps.splice(0)) await this.leave(srf);
    for (const s of this.sockets.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
    for (const engine of this.engines.splice(0)) {
      const closed = await withTimeout(engine.close().then(() => true), CLOSE_LIMIT_MS, '').catch(() => false);
      if (!closed) {
        this.problems.push(`engine.close() did not settle within ${CLOSE_LIMIT_MS} ms; destroy() used`);
        engine.destroy();
      }
    }
  }

  private async leave(srf: Srf): Promise<void> {
    const closed = new Promise<void>((resolve) => srf.once('close', () => resolve()));
    try {
      srf.disconnect();
    } catch {
      return; // never connected: srf has no socket to end
    }
    await withTimeout(closed, 2_000, '').catch(() => this.problems.push('srf socket did not close after disconnect()'));
  }
}

/**
 * Registers mocha hooks for a file: a fresh TestBed per test, torn down after it, and
 * one check at the end that no teardown went wrong. Returns a getter for the bed.
 */
export function useTestBed(): () => TestBed {
  let bed: TestBed | undefined;
  const problems: string[] = [];
  beforeEach(() => {
    bed = new TestBed();
  });
  afterEach(async function () {
    this.timeout(CLOSE_LIMIT_MS + 5_000);
    if (!bed) return;
    await bed.teardown();
    problems.push(...bed.problems.map((p) => `${this.currentTest?.title ?? '?'}: ${p}`));
  });
  after(() => {
    assert.deepEqual(problems, [], 'teardown problems');
  });
  return () => {
    assert.ok(bed, 'TestBed used outside a test');
    return bed;
  };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves/rejects like `p`, or rejects with `message` after `ms`. The timer never outlives `p`. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message || `timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Resolves once `check()` is true (polled every 20 ms, after `poll` if given), or rejects after `ms`. */
export async function until(check: () => boolean, ms: number, what: string, poll?: () => Promise<void>): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    await poll?.();
    if (check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(20);
  }
}

/**
 * True when a socket is bound to 127.0.0.1:port (UDP) or listening on it (TCP), read
 * from /proc/net so that probing never races sipp for the port. Where /proc/net is
 * missing (not Linux) it answers true after a fixed settling delay.
 */
async function probeBound(protocol: 'udp' | 'tcp', port: number): Promise<boolean> {
  let table: string;
  try {
    table = await readFile(`/proc/net/${protocol}`, 'utf8');
  } catch {
    await delay(300);
    return true;
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table.split('\n').some((line) => {
    const cols = line.trim().split(/\s+/);
    return cols[1] === local && (protocol === 'udp' || cols[3] === '0A'); // 0A = TCP_LISTEN
  });
}

/** Waits for sipp to finish and asserts it passed every call, showing its output if not. */
export async function expectSippPassed(run: SippRun, label: string): Promise<string> {
  const { code, output } = await run.done;
  assert.equal(code, 0, `${label}: sipp exited with ${String(code)}\n${tail(output)}`);
  return output;
}

/**
 * [messages, retransmissions] from the row of sipp's final scenario screen that `row`
 * matches, e.g. /^\s*200 <-+/ (a UAC received 200) or /-+> CANCEL/ (a UAS received CANCEL).
 */
export function sippScreenRow(output: string, row: RegExp): [number, number] | undefined {
  const screens = output.split('Scenario Screen');
  const last = screens[screens.length - 1] ?? '';
  for (const line of last.split('\n')) {
    const m = row.exec(line);
    if (!m) continue;
    const counts = /^\s*(\d+)\s+(\d+)/.exec(line.slice(m.index + m[0].length));
    if (counts) return [Number(counts[1]), Number(counts[2])];
  }
  return undefined;
}

/** The last lines of a sipp run, which hold its error trace and final statistics. */
export function tail(output: string, lines = 60): string {
  return output.split('\n').filter((l) => l.trim() !== '').slice(-lines).join('\n');
}

/** The SDP the test apps answer or offer with (RFC 4566; PCMU on a dummy port). */
export function appSdp(version = 1, direction = 'sendrecv'): string {
  return [
    'v=0', `o=linegate-test 1 ${version} IN IP4 127.0.0.1`, 's=linegate integration test', 'c=IN IP4 127.0.0.1',
    't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', `a=${direction}`, '',
  ].join('\r\n');
}

/**
 * `p`, unless sipp exits first: then it fails with sipp's output. A peer that gave up
 * (a failed check, an unexpected message) never answers, and srf has no timeout of its
 * own, so without this a test would only show mocha's timeout.
 */
export function whileSippRuns<T>(p: Promise<T>, run: SippRun, label: string): Promise<T> {
  const exited = new Promise<never>((_, reject) => {
    void run.done.then(({ code, output }) => {
      reject(new Error(`${label}: sipp exited (code ${String(code)}) before the app got its result\n${tail(output)}`));
    });
  });
  exited.catch(() => undefined); // only matters if it wins the race
  return Promise.race([p, exited]);
}
