export { readWav, WAVE_FORMAT } from './read-wav.js';
export type { ReadWavResult, WavAudio } from './read-wav.js';
export { encodeWav, wavHeader, WAV_HEADER_BYTES } from './encode-wav.js';
export { WavFileWriter } from './wav-file-writer.js';
export type { WavFileSummary, WavFileWriterOptions } from './wav-file-writer.js';
export { resample } from './resample.js';
