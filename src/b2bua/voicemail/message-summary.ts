/**
 * The message-summary event package (RFC 3842): the NOTIFY body and the header values of
 * a subscription (RFC 6665).
 */
import type { MessageCounts } from './voicemail-types.js';

export const MESSAGE_SUMMARY_EVENT = 'message-summary';
export const MESSAGE_SUMMARY_TYPE = 'application/simple-message-summary';

/**
 * RFC 3842 §5.2: `Messages-Waiting` says whether there are new messages; `Voice-Message:
 * new/old (urgent new/urgent old)` gives the counts. linegate has no urgent messages.
 */
export function messageSummaryBody(counts: MessageCounts, account: string): string {
  return [
    `Messages-Waiting: ${counts.new > 0 ? 'yes' : 'no'}`,
    `Message-Account: ${account}`,
    `Voice-Message: ${counts.new}/${counts.old} (0/0)`,
  ].join('\r\n') + '\r\n';
}

/** The package of an Event header (`message-summary;id=1` → `message-summary`), lower-cased. */
export function eventPackage(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** RFC 3842 §3.7: a SUBSCRIBE must accept our body type when it lists types at all. */
export function acceptsSummary(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((t) => {
    const type = t.split(';')[0]?.trim().toLowerCase();
    return type === MESSAGE_SUMMARY_TYPE || type === 'application/*' || type === '*/*';
  });
}

export interface ExpiryRules {
  /** Used when the SUBSCRIBE has no Expires (RFC 3842 §3.4 suggests an hour). */
  readonly defaultS: number;
  /** Shorter non-zero requests get 423 with Min-Expires (RFC 6665 §4.2.1.1). */
  readonly minS: number;
  /** Longer requests are cut down to this. */
  readonly maxS: number;
}

export const DEFAULT_EXPIRY: ExpiryRules = Object.freeze({ defaultS: 3600, minS: 60, maxS: 7200 });

export type ExpiresChoice = { readonly ok: true; readonly expiresS: number } | { readonly ok: false; readonly minS: number };

/** The duration granted for a SUBSCRIBE's Expires header (0 = a fetch or an unsubscribe). */
export function grantExpires(header: string | undefined, rules: ExpiryRules): ExpiresChoice {
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return { ok: true, expiresS: rules.defaultS };
  const asked = Number(header.trim());
  if (asked === 0) return { ok: true, expiresS: 0 };
  if (asked < rules.minS) return { ok: false, minS: rules.minS };
  return { ok: true, expiresS: Math.min(asked, rules.maxS) };
}
