/**
 * baresip (Debian package `baresip`) as a real softphone in integration tests: headless
 * (no UI module), its config in a temp folder, SIP bound to 127.0.0.1 on a port picked
 * at run time, one account sending everything to the engine (outbound proxy), calls
 * answered automatically. Bounded by `-t` and killed by stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeSipPort } from './ports.js';

export interface BaresipOptions {
  /** `sip:user@domain` */
  aor: string;
  password: string;
  /** host:port the account sends everything to (our engine). */
  outbound: string;
  transport?: 'udp' | 'tcp';
  /** Quit after this many seconds whatever happens. Default 30. */
  lifetimeS?: number;
}

export interface Baresip {
  readonly port: number;
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after 2 s; removes the config folder. Idempotent. */
  stop(): Promise<void>;
}

export async function startBaresip(o: BaresipOptions): Promise<Baresip> {
  const port = await freeSipPort();
  const dir = mkdtempSync(path.join(tmpdir(), 'linegate-baresip-'));
  const transport = o.transport ?? 'udp';
  writeFileSync(path.join(dir, 'config'), [
    'poll_method epoll',
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
    '',
  ].join('\n'));
  const outbound = `sip:${o.outbound};transport=${transport}`;
  writeFileSync(path.join(dir, 'accounts'), `<${o.aor}>;auth_pass=${o.password};outbound="${outbound}";regint=600;answermode=auto\n`);
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
  let stopping: Promise<void> | undefined;
  return {
    port, child, output: () => out,
    stop: () => (stopping ??= (async () => {
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
    })()),
  };
}
