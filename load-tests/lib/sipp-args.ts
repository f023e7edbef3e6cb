/**
 * Command lines for the two sipp instances of a run (pure). Every sipp is bounded:
 * `-m` (calls), `-timeout` + `-timeout_error` (wall time), and binds to 127.0.0.1 only:
 * SIP (-i, -p), remote control (-ci, -cp) and media (-mp; sipp binds mp and mp+2).
 */
import type { RateProfile } from './rate-profile.js';
import { sippRateArgs } from './rate-profile.js';

export type Transport = 'udp' | 'tcp';

export const LOOPBACK = '127.0.0.1';

export interface SippPorts {
  readonly sip: number;
  readonly control: number;
  /** Even port whose +2 is free too. */
  readonly media: number;
}

export interface SippCommonArgs {
  readonly scenarioXml: string;
  readonly transport: Transport;
  readonly ports: SippPorts;
  readonly maxCalls: number;
  readonly timeoutS: number;
  readonly statFile: string;
  readonly errorFile: string;
}

export interface UacArgs extends SippCommonArgs {
  /** host:port the INVITEs go to. */
  readonly target: string;
  readonly rate: RateProfile;
  readonly callLengthMs: number;
  /** sipp -l: most calls open at once before sipp slows down. */
  readonly maxOpenCalls: number;
  /** sipp -recv_timeout: a call waiting longer than this for a message is aborted. */
  readonly recvTimeoutMs: number;
}

/** sipp -t: one socket for all calls, so the system under test sees one peer. */
function sippTransport(t: Transport): string {
  return t === 'udp' ? 'u1' : 't1';
}

function commonArgs(a: SippCommonArgs): string[] {
  return [
    '-sf', a.scenarioXml,
    '-i', LOOPBACK,
    '-p', String(a.ports.sip),
    '-t', sippTransport(a.transport),
    '-m', String(a.maxCalls),
    '-timeout', `${Math.ceil(a.timeoutS)}s`,
    '-timeout_error',
    '-nostdin',
    '-ci', LOOPBACK,
    '-cp', String(a.ports.control),
    '-mp', String(a.ports.media),
    '-trace_stat', '-stf', a.statFile, '-fd', '1',
    '-trace_err', '-error_file', a.errorFile,
  ];
}

export function buildUasArgs(a: SippCommonArgs): string[] {
  return commonArgs(a);
}

export function buildUacArgs(a: UacArgs): string[] {
  return [
    a.target,
    ...commonArgs(a),
    ...sippRateArgs(a.rate),
    '-d', String(Math.round(a.callLengthMs)),
    '-l', String(a.maxOpenCalls),
    '-recv_timeout', String(Math.round(a.recvTimeoutMs)),
    // RTD 1 (INVITE sent -> 200 received) of every call, flushed after each call.
    '-trace_rtt', '-rtt_freq', '1',
  ];
}

/** What sipp's exit status means (sipp(1), "EXIT STATUS"). */
export function describeSippExit(code: number | null): string {
  switch (code) {
    case null: return 'killed by a signal';
    case 0: return 'all calls successful';
    case 1: return 'at least one call failed';
    case 97: return 'exit on internal command, calls may have been processed';
    case 99: return 'normal exit without calls processed';
    case 255: return 'fatal error';
    case 254: return 'fatal error binding a socket';
    default: return `exit status ${code}`;
  }
}
