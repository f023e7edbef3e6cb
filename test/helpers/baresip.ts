/**
 * baresip (Debian package `baresip`) as a real softphone in integration tests: headless
 * (no UI module), its config in a temp folder, SIP bound to 127.0.0.1 on a port picked
 * at run time, one account sending everything to the engine (outbound proxy), calls
 * answered automatically. Bounded by `-t` and killed by stop().
 *
 * With `control: true` it also loads `menu` (the command set) and `ctrl_tcp`, baresip's
 * JSON-over-netstring control socket, on another free loopback port: a test can then
 * dial and hang up (`command('dial', uri)`, `command('hangup')`) and wait for what the
 * phone itself reports (`waitForEvent('CALL_ESTABLISHED')`), instead of reading logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeSipPort, freeTcpPort } from './ports.js';

export interface BaresipOptions {
  /** `sip:user@domain` */
  aor: string;
  password: string;
  /** host:port the account sends everything to (our engine). */
  outbound: string;
  transport?: 'udp' | 'tcp';
  /** Quit after this many seconds whatever happens. Default 30. */
  lifetimeS?: number;
  /** Load `menu` + `ctrl_tcp` and connect to it (see `control` on the result). Default false. */
  control?: boolean;
  /** Registration interval in seconds (0: do not register). Default 600. */
  regintS?: number;
}

/** One event baresip's ctrl_tcp reports, e.g. `{ type: 'CALL_ESTABLISHED', direction: 'incoming', peeruri: … }`. */
export interface BaresipEvent {
  readonly type: string;
  readonly class?: string;
  readonly accountaor?: string;
  readonly direction?: string;
  readonly peeruri?: string;
  readonly peerdisplayname?: string;
  readonly param?: string;
  readonly id?: string;
}

export interface BaresipCommandResult {
  readonly ok: boolean;
  readonly data: string;
}

export interface BaresipControl {
  /** Runs a menu command (`dial`, `hangup`, `accept`, `listcalls`, `reginfo`…) and resolves with baresip's answer. */
  command(name: string, params?: string): Promise<BaresipCommandResult>;
  /** Every event received so far, oldest first. */
  events(): readonly BaresipEvent[];
  /** Resolves with the first event (already received or to come) of `type` that `match` accepts; rejects after `timeoutMs`. */
  waitForEvent(type: string, timeoutMs: number, match?: (e: BaresipEvent) => boolean): Promise<BaresipEvent>;
}

export interface Baresip {
  readonly port: number;
  readonly child: ChildProcess;
  /** Present when started with `control: true`. */
  readonly control: BaresipControl | undefined;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves once the output matches `re` (polled); rejects after `timeoutMs` or when baresip exits. */
  waitForOutput(re: RegExp, timeoutMs: number, what: string): Promise<void>;
  /**
   * Resolves once baresip says its account registered (`… 200 OK … [N binding]`); its
   * ctrl_tcp cannot tell, because the first REGISTER goes out before a client can connect.
   */
  waitRegistered(timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 2 s; removes the config folder. Idempotent. */
  stop(): Promise<void>;
}

function configLines(port: number, transport: string, ctrlPort: number | undefined): string[] {
  return [
    'poll_method epoll',
    'net_interface 127.0.0.1',
    `sip_listen 127.0.0.1:${port}`,
    `sip_trans_def ${transport}`,
    'audio_player aufile,/dev/null',
    'audio_alert aufile,/dev/null',
    'audio_source ausine,440',
    // ausine only makes 48 kHz stereo: let baresip resample to and from the 8 kHz mono G.711 codecs.
    'ausrc_srate 48000',
    'ausrc_channels 2',
    'auplay_srate 48000',
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    'module ausine.so',
    'module aufile.so',
    'module_app account.so',
    // `menu` owns the commands (dial, hangup…); ctrl_tcp only carries them.
    ...(ctrlPort === undefined ? [] : ['module_app menu.so', 'module_app ctrl_tcp.so', `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`]),
    '',
  ];
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A SIP port (UDP and TCP) whose next port is free for TCP too: baresip 1.0 always
 * listens for SIP over TLS on the SIP port + 1 and fails to start when it cannot.
 */
async function baresipSipPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freeSipPort();
    if (p < 65535 && (await tcpFree(p + 1))) return p;
  }
  throw new Error('no free port pair for baresip (SIP, SIP+1 for TLS)');
}

/** A port for ctrl_tcp that is neither the SIP port nor the one above it (baresip binds TLS on SIP port + 1). */
async function controlPort(sipPort: number): Promise<number> {
  for (;;) {
    const p = await freeTcpPort();
    if (p !== sipPort && p !== sipPort + 1) return p;
  }
}

export async function startBaresip(o: BaresipOptions): Promise<Baresip> {
  const port = await baresipSipPort();
  const ctrlPort = o.control ? await controlPort(port) : undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'linegate-baresip-'));
  const transport = o.transport ?? 'udp';
  writeFileSync(path.join(dir, 'config'), configLines(port, transport, ctrlPort).join('\n'));
  const outbound = `sip:${o.outbound};transport=${transport}`;
  writeFileSync(path.join(dir, 'accounts'), `<${o.aor}>;auth_pass=${o.password};outbound="${outbound}";regint=${o.regintS ?? 600};answermode=auto\n`);
  const child = spawn('baresip', ['-f', dir, '-t', String(o.lifetimeS ?? 30), '-v', '-s'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', (err) => {
      out += `\n${String(err)}`;
      resolve();
    });
  });
  let control: ControlChannel | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    control?.close();
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(killer);
    rmSync(dir, { recursive: true, force: true });
  })());
  if (ctrlPort !== undefined) {
    try {
      control = await ControlChannel.open(ctrlPort, () => child.exitCode !== null, () => out);
    } catch (err) {
      await stop();
      throw err;
    }
  }
  const waitForOutput = async (re: RegExp, timeoutMs: number, what: string): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(out)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`baresip exited before ${what}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`baresip: no ${what} within ${timeoutMs} ms:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    port, child, control, output: () => out, stop, waitForOutput,
    waitRegistered: (timeoutMs) => waitForOutput(/\} 200 OK .*\[\d+ bindings?\]/, timeoutMs, 'registration'),
  };
}

type Pending = { resolve: (r: BaresipCommandResult) => void; reject: (e: Error) => void };
type Waiter = { type: string; match: (e: BaresipEvent) => boolean; resolve: (e: BaresipEvent) => void; reject: (e: Error) => void };

/** The ctrl_tcp client: netstrings (`<len>:<json>,`) both ways; responses matched by token. */
class ControlChannel implements BaresipControl {
  private buffer = Buffer.alloc(0);
  private readonly received: BaresipEvent[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly waiters = new Set<Waiter>();
  private nextToken = 1;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => this.failAll(new Error('baresip control socket closed')));
    socket.on('error', () => undefined); // 'close' follows and fails what is pending
  }

  /** Connects, retrying while baresip starts (it listens only once its modules are loaded). */
  static async open(port: number, exited: () => boolean, output: () => string): Promise<ControlChannel> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', () => {
          s.destroy();
          resolve(undefined);
        });
      });
      if (socket) return new ControlChannel(socket);
      if (exited() || Date.now() > deadline) throw new Error(`baresip control socket 127.0.0.1:${port} not reachable:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  command(name: string, params = ''): Promise<BaresipCommandResult> {
    if (this.closed) return Promise.reject(new Error('baresip control socket closed'));
    const token = `t${this.nextToken++}`;
    const json = Buffer.from(JSON.stringify({ command: name, params, token }), 'utf8');
    return new Promise((resolve, reject) => {
      this.pending.set(token, { resolve, reject });
      this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
    });
  }

  events(): readonly BaresipEvent[] {
    return this.received;
  }

  waitForEvent(type: string, timeoutMs: number, match: (e: BaresipEvent) => boolean = () => true): Promise<BaresipEvent> {
    const seen = this.received.find((e) => e.type === type && match(e));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`baresip reported no ${type} within ${timeoutMs} ms; events: ${this.received.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      const waiter: Waiter = {
        type, match,
        resolve: (e) => { clearTimeout(timer); resolve(e); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(this.buffer.toString('latin1', 0, colon));
      if (!Number.isSafeInteger(len) || this.buffer.length < colon + 1 + len + 1) return;
      const json = this.buffer.toString('utf8', colon + 1, colon + 1 + len);
      this.buffer = this.buffer.subarray(colon + 1 + len + 1);
      this.onMessage(json);
    }
  }

  private onMessage(json: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(json) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg['response'] === true && typeof msg['token'] === 'string') {
      const p = this.pending.get(msg['token']);
      this.pending.delete(msg['token']);
      p?.resolve({ ok: msg['ok'] === true, data: typeof msg['data'] === 'string' ? msg['data'] : '' });
      return;
    }
    if (msg['event'] !== true || typeof msg['type'] !== 'string') return;
    const event = msg as unknown as BaresipEvent;
    this.received.push(event);
    for (const w of [...this.waiters]) {
      if (w.type === event.type && w.match(event)) {
        this.waiters.delete(w);
        w.resolve(event);
      }
    }
  }

  private failAll(err: Error): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const w of this.waiters) w.reject(err);
    this.waiters.clear();
  }
}
