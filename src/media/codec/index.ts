export { PAYLOAD_TYPES, SILENCE_BYTES, decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw, g711Codec } from './g711.js';
export type { G711Codec, G711Name } from './g711.js';
