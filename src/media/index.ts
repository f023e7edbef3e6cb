export type {
  CallRecording,
  CollectOptions,
  CreateEndpointOptions,
  DtmfListener,
  MediaCodec,
  MediaDirection,
  MediaEndpoint,
  MediaPort,
  PlayResult,
  RecordEndReason,
  RecordOptions,
  RecordResult,
} from './media-port.js';
export { FsmrfMediaPort, FSMRF_ERROR_CODES } from './fsmrf/index.js';
export type { FsmrfMediaPortOptions, FsmrfServerConfig, FsmrfLogger, FsmrfErrorCode } from './fsmrf/index.js';
export { EmbeddedMediaPort, EmbeddedEndpoint } from './embedded/index.js';
export type { EmbeddedMediaPortOptions, EndpointStats, PortRange, ReceiveStats } from './embedded/index.js';
export { DEFAULT_PROMPT_DIR, PROMPTS, digitPrompt, promptPath } from './prompts/index.js';
export type { PromptName } from './prompts/index.js';
export { readWav } from './wav/index.js';
export type { ReadWavResult, WavAudio } from './wav/index.js';
export { crossCorrelate, energyEnvelope, frameEnergyDb, generateTone } from './dsp/index.js';
