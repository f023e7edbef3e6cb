/**
 * G.711 (ITU-T Recommendation G.711, 11/1988): µ-law (PCMU) and A-law (PCMA) companding of
 * 16-bit linear PCM. These run for every 20 ms packet of every call, so both directions are
 * table lookups: a 64 Ki-entry table per law for encoding (indexed by the sample's 16 bits)
 * and a 256-entry table per law for decoding, all built once when the module loads.
 *
 * The tables are computed from the segment (chord) definition in G.711 §§2–3 rather than
 * typed in, so the formulas below are the single source of truth.
 */

/** Static RTP payload types for the two laws (RFC 3551 §6, Table 4). */
export const PAYLOAD_TYPES = Object.freeze({ PCMU: 0, PCMA: 8 } as const);

/** µ-law works on a biased 14-bit magnitude; in 16-bit units the bias is 33 << 2 (G.711 Table 2). */
const MU_LAW_BIAS = 0x84;
/** Largest magnitude before the bias would overflow the top chord (8159 << 2, minus the bias). */
const MU_LAW_CLIP = 32635;

function highestBit(value: number): number {
  return 31 - Math.clz32(value);
}

/** One sample → one µ-law byte (G.711 Table 2a): sign, 3-bit chord, 4-bit step, all bits inverted. */
function muLawEncodeSample(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = sample < 0 ? -sample : sample;
  if (magnitude > MU_LAW_CLIP) magnitude = MU_LAW_CLIP;
  magnitude += MU_LAW_BIAS;
  const chord = highestBit(magnitude) - 7; // 0..7: magnitude is in [2^(chord+7), 2^(chord+8))
  const step = (magnitude >> (chord + 3)) & 0x0f;
  return ~(sign | (chord << 4) | step) & 0xff;
}

/** One µ-law byte → the centre of its quantisation interval, in 16-bit units. */
function muLawDecodeSample(byte: number): number {
  const inverted = ~byte & 0xff;
  const chord = (inverted >> 4) & 0x07;
  const step = inverted & 0x0f;
  const magnitude = (((step << 3) + MU_LAW_BIAS) << chord) - MU_LAW_BIAS;
  return inverted & 0x80 ? -magnitude : magnitude;
}

/**
 * One sample → one A-law byte (G.711 Table 1a). A-law quantises a 13-bit value (the top
 * 13 bits of ours); chord 0 and 1 share the same step size (the "linear" segment), and the
 * even bits of the result are inverted (XOR 0x55) as the Recommendation prescribes.
 */
function aLawEncodeSample(sample: number): number {
  // ~sample (= -sample - 1) keeps -32768 in range and makes the two halves mirror images.
  const positive = sample >= 0;
  const magnitude = (positive ? sample : ~sample) >> 3; // 0..4095
  const chord = magnitude < 32 ? 0 : highestBit(magnitude) - 4; // 1..7 above the linear segment
  const step = (magnitude >> (chord === 0 ? 1 : chord)) & 0x0f;
  return ((positive ? 0x80 : 0) | (chord << 4) | step) ^ 0x55;
}

/** One A-law byte → the centre of its quantisation interval, in 16-bit units. */
function aLawDecodeSample(byte: number): number {
  const value = byte ^ 0x55;
  const chord = (value >> 4) & 0x07;
  const step = value & 0x0f;
  const magnitude = chord === 0 ? (step << 4) + 8 : ((step << 4) + 0x108) << (chord - 1);
  return value & 0x80 ? magnitude : -magnitude;
}

function buildEncodeTable(encode: (sample: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encode(i >= 32768 ? i - 65536 : i);
  return table;
}

function buildDecodeTable(decode: (byte: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) table[i] = decode(i);
  return table;
}

const MU_LAW_ENCODE = buildEncodeTable(muLawEncodeSample);
const MU_LAW_DECODE = buildDecodeTable(muLawDecodeSample);
const A_LAW_ENCODE = buildEncodeTable(aLawEncodeSample);
const A_LAW_DECODE = buildDecodeTable(aLawDecodeSample);

function encodeWith(table: Uint8Array, pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = table[(pcm[i] as number) & 0xffff] as number;
  return out;
}

function decodeWith(table: Int16Array, bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i] as number] as number;
  return out;
}

/** 16-bit linear PCM → G.711 µ-law bytes (PCMU), one byte per sample. */
export function encodeMuLaw(pcm: Int16Array): Uint8Array {
  return encodeWith(MU_LAW_ENCODE, pcm);
}

/** G.711 µ-law bytes (PCMU) → 16-bit linear PCM. Every byte value is valid. */
export function decodeMuLaw(bytes: Uint8Array): Int16Array {
  return decodeWith(MU_LAW_DECODE, bytes);
}

/** 16-bit linear PCM → G.711 A-law bytes (PCMA), one byte per sample. */
export function encodeALaw(pcm: Int16Array): Uint8Array {
  return encodeWith(A_LAW_ENCODE, pcm);
}

/** G.711 A-law bytes (PCMA) → 16-bit linear PCM. Every byte value is valid. */
export function decodeALaw(bytes: Uint8Array): Int16Array {
  return decodeWith(A_LAW_DECODE, bytes);
}

/** The byte each law uses for digital silence (encode(0)): fills gaps and comfort frames. */
export const SILENCE_BYTES = Object.freeze({ PCMU: MU_LAW_ENCODE[0] as number, PCMA: A_LAW_ENCODE[0] as number });

export type G711Name = 'PCMU' | 'PCMA';

export interface G711Codec {
  readonly name: G711Name;
  readonly payloadType: number;
  /** 8000 Hz for both laws (RFC 3551 §4.5.14). */
  readonly clockRate: 8000;
  readonly silenceByte: number;
  encode(pcm: Int16Array): Uint8Array;
  decode(bytes: Uint8Array): Int16Array;
}

const CODECS: Readonly<Record<G711Name, G711Codec>> = Object.freeze({
  PCMU: Object.freeze({ name: 'PCMU', payloadType: PAYLOAD_TYPES.PCMU, clockRate: 8000, silenceByte: SILENCE_BYTES.PCMU, encode: encodeMuLaw, decode: decodeMuLaw }),
  PCMA: Object.freeze({ name: 'PCMA', payloadType: PAYLOAD_TYPES.PCMA, clockRate: 8000, silenceByte: SILENCE_BYTES.PCMA, encode: encodeALaw, decode: decodeALaw }),
});

/** The encoder/decoder pair for a negotiated codec name, so callers need not switch on it per packet. */
export function g711Codec(name: G711Name): G711Codec {
  return CODECS[name];
}
