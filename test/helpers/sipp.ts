/**
 * Running sipp (Debian's sip-tester) as a real SIP peer in integration tests. Every
 * run is bounded: a call count (-m), a global timeout, and a kill on test teardown.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { freeSipPort } from './ports.js';

export const SCENARIO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../integration/sipp');

export interface SippOptions {
  /** A scenario file name in test/integration/sipp, or a built-in (`uac`, `uas`). */
  scenario: string;
  /** host:port to send to (UAC); omitted for a UAS. */
  target?: string;
  transport?: 'udp' | 'tcp';
  calls?: number;
  /** Overall limit for the run, seconds. */
  timeoutS?: number;
  /** -key name value pairs for [name] in the scenario. */
  keys?: Record<string, string>;
  extra?: string[];
  port?: number;
  /** Request-URI user part (-s). */
  service?: string;
}

export interface SippRun {
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (0 = every call succeeded) and the captured output. */
  done: Promise<{ code: number | null; output: string }>;
  kill(): void;
}

export async function startSipp(o: SippOptions): Promise<SippRun> {
  const port = o.port ?? (await freeSipPort());
  const args: string[] = [];
  if (o.scenario === 'uac' || o.scenario === 'uas') args.push('-sn', o.scenario);
  else args.push('-sf', path.join(SCENARIO_DIR, o.scenario));
  args.push('-i', '127.0.0.1', '-p', String(port), '-m', String(o.calls ?? 1));
  args.push('-t', o.transport === 'tcp' ? 't1' : 'u1');
  args.push('-timeout', `${o.timeoutS ?? 20}s`, '-timeout_error', '-nostdin', '-trace_err');
  // Not /dev/stderr: Node's stdio pipes are sockets, which sipp cannot open by path
  // (ENXIO), so its error trace was lost. It goes to a file that is appended to output.
  const errorDir = mkdtempSync(path.join(tmpdir(), 'linegate-sipp-'));
  const errorFile = path.join(errorDir, 'errors.log');
  args.push('-error_file', errorFile);
  if (o.service) args.push('-s', o.service);
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
  args.push(...(o.extra ?? []));
  if (o.target) args.push(o.target);
  const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  const errors = (): string => {
    let text = '';
    try {
      text = readFileSync(errorFile, 'utf8');
    } catch {
      // no error trace written
    }
    rmSync(errorDir, { recursive: true, force: true });
    return text ? `\n--- sipp error trace ---\n${text}` : '';
  };
  // 'close', not 'exit': only then has all of stdout/stderr been read.
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, output: output + errors() }));
    child.on('error', (err) => resolve({ code: -1, output: `${output}\n${String(err)}${errors()}` }));
  });
  return { port, child, done, kill: () => { if (child.exitCode === null) child.kill('SIGKILL'); } };
}

/** Wait until a UAS sipp has bound its port (it prints nothing useful; a short delay suffices). */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
