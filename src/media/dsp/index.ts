export {
  crossCorrelate,
  dtmfFrequencies,
  energyEnvelope,
  frameEnergyDb,
  generateDtmf,
  generateSilence,
  generateTone,
  DTMF_COLUMNS,
  DTMF_ROWS,
  SILENCE_DBFS,
} from './signal.js';
export { SilenceDetector } from './silence-detector.js';
export type { SilenceDetectorOptions } from './silence-detector.js';
export { GoertzelDtmfDetector } from './goertzel-dtmf-detector.js';
export type { DtmfDetection, GoertzelDtmfOptions } from './goertzel-dtmf-detector.js';
