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
