/**
 * A check that a sip:/sips: URI in a dialplan is well formed (RFC 3261 §19.1.1, §25.1),
 * strict enough to catch typos at start. It is not the engine's parser: config/ may
 * only reach src/sip through its index, which does not export one.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { describeValue } from './issues.js';
import type { Issues, Path } from './issues.js';

export const SIP_URI_FORM = 'sip:[user@]host[:port][;param=value]';

// user = 1*( unreserved / escaped / user-unreserved ), RFC 3261 §25.1
const USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const HOSTNAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;
const PARAM = /^(?:[A-Za-z0-9\-_.!~*'()[\]/:&+$]|%[0-9A-Fa-f]{2})+$/;

/** Why the URI is not acceptable, or undefined when it is. */
export function sipUriProblem(uri: string): string | undefined {
  const m = /^(sips?):(.*)$/i.exec(uri);
  if (!m) return 'it does not start with sip: or sips:';
  const rest = m[2] as string;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    if (userinfo.includes(':')) return 'it carries a password (user:password@); credentials never go in URIs';
    if (!USER.test(userinfo)) return 'the user part is empty or has characters that must be %-escaped';
  }
  const hostPart = rest.slice(at + 1);
  const end = hostPart.search(/[;?]/);
  const hostport = end < 0 ? hostPart : hostPart.slice(0, end);
  const hostProblem = checkHostport(hostport);
  if (hostProblem) return hostProblem;
  return checkParams(end < 0 ? '' : hostPart.slice(end));
}

function checkHostport(hostport: string): string | undefined {
  const m = /^(\[[^\]]*\]|[^:]*)(?::([0-9]*))?$/.exec(hostport);
  const host = m?.[1] ?? '';
  if (host === '') return 'the host is missing';
  const v6 = host.startsWith('[');
  if (v6 ? !isIPv6(host.slice(1, -1)) : !(isIPv4(host) || (HOSTNAME.test(host) && !/^[0-9.]+$/.test(host)))) {
    return `"${host}" is not a host name or IP address`;
  }
  const port = m?.[2];
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return `the port "${port}" is not a number from 1 to 65535`;
  }
  return undefined;
}

function checkParams(tail: string): string | undefined {
  const q = tail.indexOf('?');
  const params = q < 0 ? tail : tail.slice(0, q);
  for (const param of params.split(';').slice(1)) {
    const [name = '', value] = param.split('=', 2);
    if (!PARAM.test(name) || (value !== undefined && value !== '' && !PARAM.test(value))) return `the parameter ";${param}" is not well formed`;
  }
  return undefined;
}

/** sipUriProblem, recorded as an issue at path. */
export function checkSipUri(uri: string, path: Path, issues: Issues): void {
  const problem = sipUriProblem(uri);
  if (problem) issues.add(path, `${describeValue(uri)} is not a valid SIP URI: ${problem}`, `write ${SIP_URI_FORM}, e.g. sip:voicemail@127.0.0.1:5070`);
}
