/**
 * The media sections of a dialplan (issue #5): `voicemail` (linegate's own service or an
 * external one), `recording` and `media` (the embedded RTP endpoint), checked beyond what
 * the schema can say: which voicemail fields fit which service, and the port range.
 */
import { isIP } from 'node:net';
import type { Issues } from './issues.js';
import type { RawDialplan } from './raw-dialplan.js';
import { checkSipUri } from './sip-uri.js';
import { resolveSecret } from './resolve-secret.js';
import type { EnvMap, FreeswitchServer, MediaSettings, RecordingSettings, VoicemailService } from './types.js';

/** An external service ignores the internal service's settings (the schema has filled in their defaults). */
export function buildVoicemail(raw: RawDialplan['voicemail'], issues: Issues): VoicemailService | undefined {
  if (!raw) return undefined;
  const service = raw.service ?? (raw.serviceUri !== undefined ? 'external' : 'internal');
  if (service === 'external') {
    if (raw.serviceUri === undefined) {
      issues.add(['voicemail', 'serviceUri'], 'service: external needs the URI of the voicemail service', 'add serviceUri: sip:voicemail@HOST, or remove service: external to let linegate record voicemail itself');
      return { service, serviceUri: '' };
    }
    checkSipUri(raw.serviceUri, ['voicemail', 'serviceUri'], issues);
    return { service, serviceUri: raw.serviceUri };
  }
  if (raw.serviceUri !== undefined) {
    issues.add(['voicemail', 'serviceUri'], 'serviceUri is given but service is internal', 'write service: external to send voicemail calls to that URI, or remove serviceUri');
  }
  if (raw.minMessageMs >= raw.maxMessageMs) {
    issues.add(['voicemail', 'minMessageMs'], `minMessageMs (${raw.minMessageMs}) is not below maxMessageMs (${raw.maxMessageMs})`, 'make minMessageMs smaller than maxMessageMs');
  }
  return {
    service: 'internal', dir: raw.dir, promptsDir: raw.promptsDir, retrievalCode: raw.retrievalCode,
    maxMessageMs: raw.maxMessageMs, minMessageMs: raw.minMessageMs, silenceTimeoutMs: raw.silenceTimeoutMs,
    pinMaxFailures: raw.pinMaxFailures, pinLockMs: raw.pinLockMs, unsolicitedMwi: raw.unsolicitedMwi,
  };
}

export function buildRecording(raw: RawDialplan['recording']): RecordingSettings {
  return { dir: raw.dir, retentionDays: raw.retentionDays, consentAnnouncement: raw.consentAnnouncement };
}

export function buildMedia(raw: RawDialplan['media'], issues: Issues, env: EnvMap): MediaSettings {
  if (isIP(raw.address) === 0) {
    issues.add(['media', 'address'], `"${raw.address}" is not an IP address`, 'write an IPv4 or IPv6 address, e.g. 127.0.0.1, or 0.0.0.0 with advertisedAddress');
  }
  const wildcard = raw.address === '0.0.0.0' || raw.address === '::';
  if (raw.advertisedAddress !== undefined && (isIP(raw.advertisedAddress) === 0 || raw.advertisedAddress === '0.0.0.0' || raw.advertisedAddress === '::')) {
    issues.add(['media', 'advertisedAddress'], `"${raw.advertisedAddress}" is not an address phones can send RTP to`, 'write this machine\'s IP address as phones reach it, e.g. 192.0.2.10');
  } else if (wildcard && raw.advertisedAddress === undefined) {
    issues.add(['media', 'advertisedAddress'], `address ${raw.address} listens everywhere, so SDP needs an address to advertise`, 'add advertisedAddress: this machine\'s IP address as phones reach it');
  }
  const { rtpPortMin: min, rtpPortMax: max } = raw;
  // Each call leg needs an even RTP port and the odd RTCP port after it.
  if (max - (min % 2 === 0 ? min : min + 1) < 1) {
    issues.add(['media', 'rtpPortMax'], `rtpPortMin..rtpPortMax (${min}..${max}) holds no RTP/RTCP port pair`, 'make rtpPortMax at least rtpPortMin + 1 (two ports per call leg, e.g. 20000..20999)');
  }
  const freeswitch: FreeswitchServer[] = (raw.freeswitch ?? []).map((fs, i) => ({
    address: fs.address, port: fs.port, listenAddress: fs.listenAddress,
    secret: fs.secret && resolveSecret(fs.secret, ['media', 'freeswitch', i, 'secret'], env, issues),
  }));
  return { address: raw.address, advertisedAddress: raw.advertisedAddress, rtpPorts: { min, max }, freeswitch };
}
