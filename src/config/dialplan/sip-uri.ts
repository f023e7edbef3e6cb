/**
 * The check a sip:/sips: URI in a dialplan must pass: it parses by the RFC 3261 §25.1
 * grammar (sip-uri-parser.ts) and carries no password, since credentials belong in
 * SecretRefs, never in a URI that ends up in logs.
 */
import { describeValue } from './issues.js';
import type { Issues, Path } from './issues.js';
import { parseSipUri } from './sip-uri-parser.js';

export const SIP_URI_FORM = 'sip:[user@]host[:port][;param=value]';

/** Why the URI is not acceptable, or undefined when it is. */
export function sipUriProblem(uri: string): string | undefined {
  const parsed = parseSipUri(uri);
  if (!parsed.ok) return parsed.error;
  if (parsed.uri.password !== undefined) return 'it carries a password (user:password@); credentials never go in URIs';
  return undefined;
}

/** sipUriProblem, recorded as an issue at path. */
export function checkSipUri(uri: string, path: Path, issues: Issues): void {
  const problem = sipUriProblem(uri);
  if (problem) issues.add(path, `${describeValue(uri)} is not a valid SIP URI: ${problem}`, `write ${SIP_URI_FORM}, e.g. sip:voicemail@127.0.0.1:5070`);
}
