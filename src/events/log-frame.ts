/**
 * One record of the file event log per line:
 *
 *     <crc32 of the JSON, 8 lowercase hex digits> <space> <JSON> <LF>
 *     JSON = {"seq":<log sequence number>,"t":<append time, epoch ms>,"e":<the CallEvent>}
 *
 * JSON.stringify never emits a raw LF (and UTF-8 continuation bytes are >= 0x80), so LF
 * frames records. A process killed mid-write leaves a last line without LF or with a bad
 * CRC: decodeFrame says so and the reader skips it; the opener truncates it.
 */
import { crc32 } from 'node:zlib';

export interface Frame {
  readonly seq: number;
  /** Append time, epoch ms. */
  readonly t: number;
  /** The event as stored; checked with parseCallEvent by the reader. */
  readonly e: unknown;
}

export type FrameDecodeResult = { readonly ok: true; readonly frame: Frame } | { readonly ok: false; readonly reason: string };

const LF = 0x0a;
const SPACE = 0x20;
const CRC_HEX = 8;

export function encodeFrame(frame: Frame): Buffer {
  const json = Buffer.from(JSON.stringify({ seq: frame.seq, t: frame.t, e: frame.e }), 'utf8');
  const head = Buffer.from(`${crc32(json).toString(16).padStart(CRC_HEX, '0')} `, 'latin1');
  return Buffer.concat([head, json, Buffer.from([LF])]);
}

/** Decodes one line, without its LF. */
export function decodeFrame(line: Buffer): FrameDecodeResult {
  if (line.length <= CRC_HEX + 1 || line[CRC_HEX] !== SPACE) return { ok: false, reason: 'not a frame' };
  const hex = line.toString('latin1', 0, CRC_HEX);
  if (!/^[0-9a-f]{8}$/.test(hex)) return { ok: false, reason: 'bad crc field' };
  const json = line.subarray(CRC_HEX + 1);
  if (crc32(json) !== parseInt(hex, 16)) return { ok: false, reason: 'crc mismatch' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad json' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, reason: 'not an object' };
  const { seq, t, e } = parsed as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return { ok: false, reason: 'bad seq' };
  if (typeof t !== 'number' || !Number.isFinite(t)) return { ok: false, reason: 'bad time' };
  return { ok: true, frame: { seq, t, e } };
}

/** A frame found in a buffer, with the byte range of its line (LF included). */
export type ScannedLine =
  | { readonly ok: true; readonly frame: Frame; readonly start: number; readonly end: number }
  | { readonly ok: false; readonly reason: string; readonly start: number; readonly end: number };

/**
 * Splits `buf` into complete lines (each ending in LF) and decodes them. Bytes after the
 * last LF are an incomplete line: `rest` says where they start, so the caller can read on
 * or, at the end of the log, treat them as torn.
 */
export function scanLines(buf: Buffer): { lines: ScannedLine[]; rest: number } {
  const lines: ScannedLine[] = [];
  let start = 0;
  for (let lf = buf.indexOf(LF, start); lf !== -1; lf = buf.indexOf(LF, start)) {
    const decoded = decodeFrame(buf.subarray(start, lf));
    lines.push(decoded.ok ? { ok: true, frame: decoded.frame, start, end: lf + 1 } : { ok: false, reason: decoded.reason, start, end: lf + 1 });
    start = lf + 1;
  }
  return { lines, rest: start };
}
