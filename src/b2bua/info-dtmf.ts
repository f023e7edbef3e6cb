/**
 * DTMF carried in SIP INFO: application/dtmf-relay (`Signal=1`) and application/dtmf (`1`),
 * the two forms phones send. Read by the bridged call (call/) and by voicemail (voicemail/),
 * hence here at the b2bua root rather than inside either folder (voicemail importing the call
 * folder's index would be a cycle). Network input: undefined, never an exception.
 */
const DIGIT = /^[0-9*#A-D]$/i;

export function dtmfDigit(contentType: string | undefined, body: string | undefined): string | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  const text = body ?? '';
  let digit: string | undefined;
  if (type === 'application/dtmf-relay') digit = /^\s*signal\s*=\s*(\S)/im.exec(text)?.[1];
  else if (type === 'application/dtmf') digit = text.trim();
  return digit !== undefined && DIGIT.test(digit) ? digit.toUpperCase() : undefined;
}
