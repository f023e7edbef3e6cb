/**
 * linphonec (Debian package `linphone-cli`, liblinphone 5.1) as a real softphone in
 * integration tests: headless, driven line by line on its stdin, its HOME and config
 * in a temp folder (its call-history database goes there), SIP on 127.0.0.1 on a UDP
 * port picked at run time, audio from/to files instead of a sound card (there is none on
 * a CI machine), video off. Killed by stop(), and at the latest after `lifetimeS`.
 *
 * What it prints is read, not guessed: registration is asked with `status register`
 * until it answers `registered, identity=…`; calls are followed by linphonec's own lines
 * (`Call 1 with sip:… connected.`, `… ended (…)`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeSipPort, freeUdpPort } from './ports.js';

export interface LinphonecOptions {
  /** `sip:user@domain`: the identity it registers. */
  identity: string;
  password: string;
  /** host:port of the registrar / proxy (our engine), over UDP. */
  proxy: string;
  /** Answer incoming calls by itself. Default false. */
  autoAnswer?: boolean;
  /** Killed after this many seconds whatever happens. Default 30. */
  lifetimeS?: number;
}

export interface Linphonec {
  readonly port: number;
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Writes one command line (`call sip:101@127.0.0.1`, `terminate`, `answer`…). */
  command(line: string): void;
  /** Resolves once the output written after `from` (an index into output()) matches `re`; rejects after `timeoutMs` or at exit. */
  waitForOutput(re: RegExp, timeoutMs: number, what: string, from?: number): Promise<string>;
  /** Registers with `register <identity> <proxy> <password>` and waits until `status register` says so. */
  register(timeoutMs: number): Promise<void>;
  /** `quit` (it unregisters), then SIGTERM after 3 s and SIGKILL after 5 s; removes its folder. Idempotent. */
  stop(): Promise<void>;
}

function config(sipPort: number, rtpPort: number): string {
  return [
    '[sip]',
    `sip_port=${sipPort}`,
    'sip_tcp_port=-1',
    'sip_tls_port=-1',
    'bind_address=127.0.0.1',
    'use_ipv6=0',
    'guess_hostname=0',
    '[rtp]',
    'bind_address=127.0.0.1',
    `audio_rtp_port=${rtpPort}`,
    '[video]',
    'capture=0',
    'display=0',
    'automatically_initiate=0',
    'automatically_accept=0',
    '',
  ].join('\n');
}

export async function startLinphonec(o: LinphonecOptions): Promise<Linphonec> {
  const port = await freeSipPort();
  const rtpPort = await freeUdpPort();
  const home = mkdtempSync(path.join(tmpdir(), 'linegate-linphonec-'));
  // liblinphone keeps its call history in $HOME/.local/share/linphone/linphone.db.
  mkdirSync(path.join(home, '.local', 'share', 'linphone'), { recursive: true });
  const rc = path.join(home, 'linphonerc');
  writeFileSync(rc, config(port, rtpPort));
  const args = ['-c', rc, '-d', '0', ...(o.autoAnswer ? ['-a'] : [])];
  const child = spawn('linphonec', args, { env: { ...process.env, HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stdin?.on('error', () => undefined); // a write after exit must not crash the test run
  const exited = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', (err) => {
      out += `\n${String(err)}`;
      resolve();
    });
  });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const lifetime = setTimeout(() => child.kill('SIGKILL'), (o.lifetimeS ?? 30) * 1000);
  const command = (line: string): void => {
    if (alive()) child.stdin?.write(`${line}\n`);
  };
  const waitForOutput = async (re: RegExp, timeoutMs: number, what: string, from = 0): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(out.slice(from));
      if (m) return m[0];
      if (!alive()) throw new Error(`linphonec exited before ${what}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`linphonec: no ${what} within ${timeoutMs} ms:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const register = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(0, deadline - Date.now());
    // Its first prompt: liblinphone is up and reads commands (slow to start on a busy machine).
    await waitForOutput(/linphonec> /, left(), 'its first prompt');
    // Files instead of a sound card: without it a call fails to start its audio stream.
    command('soundcard use files');
    command(`register ${o.identity} sip:${o.proxy} ${o.password}`);
    for (;;) {
      const from = out.length;
      command('status register');
      const answer = await waitForOutput(/(?:registered, identity=\S+|registered=-?\d+|unregistered)/, left(), 'an answer to `status register`', from);
      if (answer.startsWith('registered, identity=')) return;
      if (left() === 0) throw new Error(`linphonec did not register within ${timeoutMs} ms:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    command('quit');
    const term = setTimeout(() => child.kill('SIGTERM'), 3000);
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
    clearTimeout(lifetime);
    rmSync(home, { recursive: true, force: true });
  })());
  return { port, child, output: () => out, command, waitForOutput, register, stop };
}
