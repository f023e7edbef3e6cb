/**
 * The media side of `linegate run` (issue #5): the embedded RTP endpoint (dialplan `media`),
 * linegate's own voicemail (dialplan `voicemail.service: internal`) with message waiting on
 * the registrar's Digest, and call recording (dialplan `recording`, users' policies) with its
 * retention sweep. A composition root like crm-run.ts: main.ts hands it the srf, store and
 * event log and closes what it returns, in order, after the shell has drained.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CallSequence } from './b2bua/control/index.js';
import { RecordingService } from './b2bua/recording/index.js';
import { VoicemailService } from './b2bua/voicemail/index.js';
import type { MwiRegistrar, MwiSrf } from './b2bua/voicemail/index.js';
import type { Dialplan, InternalVoicemail } from './config/index.js';
import type { FileEventLog } from './events/index.js';
import { DEFAULT_PROMPT_DIR, EmbeddedMediaPort, FsmrfMediaPort, promptPath } from './media/index.js';
import type { MediaPort } from './media/index.js';
import type { Logger } from './observability/index.js';
import { systemClock } from './shared/index.js';
import type { MemoryStore } from './state/index.js';

export interface RunMediaOptions {
  dialplan: Dialplan;
  /** The app's drachtio-srf: FreeSWITCH endpoints (dialplan media.freeswitch) are INVITEd from it. */
  srf: ConstructorParameters<typeof FsmrfMediaPort>[0]['srf'];
  store: MemoryStore;
  events: FileEventLog;
  varDir: string;
  log: Logger;
}

export interface RunningMedia {
  /** FreeSWITCH through drachtio-fsmrf when the dialplan lists servers, else the embedded endpoint. */
  media: MediaPort;
  /** Undefined unless the dialplan's voicemail is linegate's own (service: internal). */
  voicemail: VoicemailService | undefined;
  /** What a user dials from their own phone to reach their mailbox (with `voicemail`). */
  retrievalCode: string | undefined;
  recordings: RecordingService;
  /** Before srf connects: SUBSCRIBE message-summary, authenticated by the registrar. */
  register(srf: MwiSrf, registrar: MwiRegistrar): void;
  /** After the shell has drained: voicemail (its calls, events, subscriptions), recordings, then the endpoint. */
  close(): Promise<void>;
}

export async function startRunMedia(o: RunMediaOptions): Promise<RunningMedia> {
  const { dialplan, log } = o;
  const media = await newMediaPort(o);
  const sequence = new CallSequence(o.store);
  const vm = dialplan.voicemail?.service === 'internal' ? dialplan.voicemail : undefined;
  const voicemail = vm && newVoicemail(vm, o, media, sequence);
  const rec = dialplan.recording;
  const recordings = new RecordingService({
    clock: systemClock, logger: log, events: o.events, sequence, users: dialplan.users,
    dir: rec.dir ?? path.join(o.varDir, 'recordings'),
    ...(rec.consentAnnouncement ? { consentPrompt: promptPath(vm?.promptsDir ?? DEFAULT_PROMPT_DIR, 'recording-notice') } : {}),
    ...(rec.retentionDays !== undefined ? { retentionDays: rec.retentionDays } : {}),
  });
  recordings.start();
  let closed: Promise<void> | undefined;
  return {
    media, voicemail, recordings,
    retrievalCode: vm?.retrievalCode,
    register: (srf, registrar) => voicemail?.register(srf, registrar),
    close: () => (closed ??= (async () => {
      await voicemail?.close();
      await recordings.close();
      await media.close();
    })()),
  };
}

/** The production media servers when configured (connected before calls arrive), else the embedded endpoint. */
async function newMediaPort(o: RunMediaOptions): Promise<MediaPort> {
  const m = o.dialplan.media;
  const logger = o.log.child({ component: 'media' });
  if (m.freeswitch.length > 0) {
    const port = new FsmrfMediaPort({
      srf: o.srf, logger, clock: systemClock,
      servers: m.freeswitch.map((fs) => ({
        address: fs.address, port: fs.port,
        ...(fs.secret ? { secret: fs.secret.reveal() } : {}), ...(fs.listenAddress ? { listenAddress: fs.listenAddress } : {}),
      })),
    });
    await port.start();
    logger.info({ servers: m.freeswitch.map((fs) => `${fs.address}:${fs.port}`) }, 'media: FreeSWITCH through drachtio-fsmrf');
    return port;
  }
  return new EmbeddedMediaPort({
    address: m.address, portRange: m.rtpPorts, clock: systemClock, logger,
    ...(m.advertisedAddress ? { advertisedAddress: m.advertisedAddress } : {}),
  });
}

function newVoicemail(vm: InternalVoicemail, o: RunMediaOptions, media: MediaPort, sequence: CallSequence): VoicemailService {
  if (!existsSync(vm.promptsDir)) {
    o.log.warn({ promptsDir: vm.promptsDir }, 'voicemail prompts not found: run `make prompts` (callers will hear silence)');
  }
  return new VoicemailService({
    media, store: o.store, clock: systemClock, logger: o.log, events: o.events, sequence,
    dir: vm.dir ?? path.join(o.varDir, 'voicemail'), promptsDir: vm.promptsDir,
    users: o.dialplan.users, domain: o.dialplan.domain,
    settings: {
      maxMessageMs: vm.maxMessageMs, minMessageMs: vm.minMessageMs, silenceTimeoutMs: vm.silenceTimeoutMs,
      pinMaxFailures: vm.pinMaxFailures, pinLockMs: vm.pinLockMs, unsolicitedMwi: vm.unsolicitedMwi,
    },
  });
}
