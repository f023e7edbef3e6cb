/**
 * emergency and outbound.blockedPrefixes: the emergency trunk must exist and be able to
 * send calls, notification targets must be reachable forms, and no blocked prefix may
 * cover an emergency number (architecture §4: an emergency call is never blocked).
 */
import { closest } from './did-you-mean.js';
import { checkCivicAddress } from './civic-address.js';
import type { Issues, Path } from './issues.js';
import type { RawDialplan } from './raw-dialplan.js';
import { checkSipUri } from './sip-uri.js';
import type { EmergencySettings, NotifyTarget, Trunk } from './types.js';

export function buildEmergency(raw: RawDialplan['emergency'], trunks: readonly Trunk[], issues: Issues): EmergencySettings {
  checkEmergencyTrunk(raw.trunk, trunks, issues);
  const notify: NotifyTarget[] = [];
  raw.notify.forEach((target, i) => {
    const built = buildNotifyTarget(target, ['emergency', 'notify', i], issues);
    if (built) notify.push(built);
  });
  const defaultAddress = raw.defaultAddress && checkCivicAddress(raw.defaultAddress, ['emergency', 'defaultAddress'], issues);
  return { numbers: raw.numbers, trunk: raw.trunk, notify, defaultAddress };
}

function checkEmergencyTrunk(name: string, trunks: readonly Trunk[], issues: Issues): void {
  const path = ['emergency', 'trunk'];
  const trunk = trunks.find((t) => t.name === name);
  if (!trunk) {
    const names = [...new Set(trunks.map((t) => t.name))];
    const hit = closest(name, names);
    const fix = names.length === 0 ? 'add a trunk under trunks: and name it here' : `${hit ? `did you mean "${hit}"? ` : ''}use one of the trunk names: ${names.join(', ')}`;
    issues.add(path, `no trunk is named "${name}"`, fix);
  } else if (!trunk.outbound) {
    issues.add(path, `trunk "${name}" has no outbound.uri, so emergency calls could not leave through it`, `add outbound.uri to trunk "${name}", or name a trunk that has one`);
  }
}

function buildNotifyTarget(raw: { sip?: string; webhook?: string }, path: Path, issues: Issues): NotifyTarget | undefined {
  if (raw.sip !== undefined) {
    checkSipUri(raw.sip, [...path, 'sip'], issues);
    return { type: 'SipMessage', uri: raw.sip };
  }
  const text = raw.webhook ?? '';
  const problem = webhookProblem(text);
  if (problem) {
    issues.add([...path, 'webhook'], `the webhook URL is not usable: ${problem}`, 'write an https URL without credentials, e.g. https://alerts.example.com/linegate/emergency');
    return undefined;
  }
  return { type: 'Webhook', url: text };
}

function webhookProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol !== 'https:') return 'it must use https';
  // Basic-auth in the URL would put a secret in the file and in logs.
  if (url.username || url.password) return 'it carries credentials (user:password@)';
  return undefined;
}

export function buildBlockedPrefixes(raw: RawDialplan['outbound'], emergencyNumbers: readonly string[], issues: Issues): RawDialplan['outbound']['blockedPrefixes'] {
  raw.blockedPrefixes.forEach((entry, i) => {
    const blocked = emergencyNumbers.filter((n) => n.startsWith(entry.prefix));
    if (blocked.length > 0) {
      issues.add(['outbound', 'blockedPrefixes', i, 'prefix'], `"${entry.prefix}" would block emergency number${blocked.length > 1 ? 's' : ''} ${blocked.join(', ')}`, 'emergency calls are never blocked: narrow the prefix so that it does not cover an emergency number');
    }
  });
  return raw.blockedPrefixes.map((b) => ({ prefix: b.prefix, reason: b.reason }));
}
