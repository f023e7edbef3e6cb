/**
 * A SIP/SIPS URI parser that follows the ABNF of RFC 3261 §25.1 piece by piece, for the
 * URIs a dialplan holds (trunk outbound URIs, the voicemail service, notify targets):
 *
 *   SIP-URI  = ("sip:" / "sips:") [ userinfo ] hostport uri-parameters [ headers ]
 *   userinfo = user [ ":" password ] "@"
 *   hostport = host [ ":" port ]       host = hostname / IPv4address / IPv6reference
 *   uri-parameters = *( ";" pname [ "=" pvalue ] )     headers = "?" hname "=" hvalue *( "&" … )
 *
 * Input is text from a file, so the result is a value, never an exception. Why not the
 * engine's parser (src/sip/message/uri.ts)? config/ may not import src/sip (the engine
 * is an adapter that config configures, architecture §2), and the engine's parser is
 * lenient on purpose (it must accept what real phones send), while a dialplan should be
 * held to the grammar. The scheme is matched case-insensitively (RFC 3261 §19.1.4).
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface SipUriParam {
  readonly name: string;
  /** Absent for a flag parameter such as `;lr`. */
  readonly value?: string;
}

export interface ParsedSipUri {
  readonly scheme: 'sip' | 'sips';
  /** As written, %-escapes kept. */
  readonly user?: string;
  readonly password?: string;
  /** As written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly hostKind: 'hostname' | 'ipv4' | 'ipv6';
  readonly port?: number;
  readonly params: readonly SipUriParam[];
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

export type SipUriParse = { readonly ok: true; readonly uri: ParsedSipUri } | { readonly ok: false; readonly error: string };

// Character classes of RFC 3261 §25.1 (escaped = "%" HEXDIG HEXDIG is handled by isRun).
const ALPHANUM = 'A-Za-z0-9';
const MARK = "\\-_.!~*'()";
const UNRESERVED = `${ALPHANUM}${MARK}`;
const USER_CHARS = new RegExp(`^[${UNRESERVED}&=+$,;?/]$`);
const PASSWORD_CHARS = new RegExp(`^[${UNRESERVED}&=+$,]$`);
const PARAM_CHARS = new RegExp(`^[${UNRESERVED}\\[\\]/:&+$]$`);
const HEADER_CHARS = new RegExp(`^[${UNRESERVED}\\[\\]/?:+$]$`);
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const TOP_LABEL = /^[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** True when `text` is made only of `chars` and well-formed %-escapes (and is not empty unless allowed). */
function isRun(text: string, chars: RegExp, allowEmpty = false): boolean {
  if (text === '') return allowEmpty;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      if (!/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (!chars.test(text[i] as string)) {
      return false;
    }
  }
  return true;
}

const fail = (error: string): SipUriParse => ({ ok: false, error });

export function parseSipUri(text: string): SipUriParse {
  const scheme = /^(sips?):/i.exec(text);
  if (!scheme) return fail('it does not start with sip: or sips:');
  let rest = text.slice(scheme[0].length);
  // No '@' may appear after the userinfo (host, params and headers exclude it), so the
  // first '@' ends the userinfo; a second one is caught by the user/password grammar.
  const at = rest.indexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    password = colon < 0 ? undefined : userinfo.slice(colon + 1);
    if (!isRun(user, USER_CHARS)) return fail('the user part is empty or has characters that must be %-escaped');
    if (password !== undefined && !isRun(password, PASSWORD_CHARS, true)) return fail('the password has characters that must be %-escaped');
    rest = rest.slice(at + 1);
  }
  const q = rest.indexOf('?');
  const headerText = q < 0 ? undefined : rest.slice(q + 1);
  const beforeHeaders = q < 0 ? rest : rest.slice(0, q);
  const semi = beforeHeaders.indexOf(';');
  const hostport = semi < 0 ? beforeHeaders : beforeHeaders.slice(0, semi);
  const host = parseHostport(hostport);
  if (!host.ok) return fail(host.error);
  const params = parseParams(semi < 0 ? '' : beforeHeaders.slice(semi + 1));
  if (!params.ok) return fail(params.error);
  const headers = parseHeaders(headerText);
  if (!headers.ok) return fail(headers.error);
  return {
    ok: true,
    uri: {
      scheme: (scheme[1] as string).toLowerCase() as 'sip' | 'sips',
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
      host: host.host, hostKind: host.kind,
      ...(host.port === undefined ? {} : { port: host.port }),
      params: params.params, headers: headers.headers,
    },
  };
}

type HostResult =
  | { ok: true; host: string; kind: ParsedSipUri['hostKind']; port?: number }
  | { ok: false; error: string };

function parseHostport(hostport: string): HostResult {
  const v6 = hostport.startsWith('[');
  const close = v6 ? hostport.indexOf(']') : -1;
  const hostEnd = v6 ? (close < 0 ? hostport.length : close + 1) : (hostport.indexOf(':') < 0 ? hostport.length : hostport.indexOf(':'));
  const host = hostport.slice(0, hostEnd);
  const after = hostport.slice(hostEnd);
  if (host === '') return { ok: false, error: 'the host is missing' };
  const kind = hostKind(host);
  if (!kind) return { ok: false, error: `"${host}" is not a host name or IP address` };
  if (after === '') return { ok: true, host, kind };
  if (!after.startsWith(':')) return { ok: false, error: `"${after}" follows the host "${host}", where only :port may` };
  const port = after.slice(1);
  // port = 1*DIGIT; 0 and values past 65535 name no port a request can be sent to.
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return { ok: false, error: `the port "${port}" is not a number from 1 to 65535` };
  }
  return { ok: true, host, kind, port: Number(port) };
}

/** hostname = *( domainlabel "." ) toplabel [ "." ]; IPv4address; IPv6reference = "[" IPv6address "]". */
function hostKind(host: string): ParsedSipUri['hostKind'] | undefined {
  if (host.startsWith('[')) return host.endsWith(']') && isIPv6(host.slice(1, -1)) ? 'ipv6' : undefined;
  if (isIPv4(host)) return 'ipv4';
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  const top = labels.pop() ?? '';
  return TOP_LABEL.test(top) && labels.every((l) => DOMAIN_LABEL.test(l)) ? 'hostname' : undefined;
}

function parseParams(text: string): { ok: true; params: SipUriParam[] } | { ok: false; error: string } {
  if (text === '') return { ok: true, params: [] };
  const params: SipUriParam[] = [];
  for (const param of text.split(';')) {
    const eq = param.indexOf('=');
    const name = eq < 0 ? param : param.slice(0, eq);
    const value = eq < 0 ? undefined : param.slice(eq + 1);
    // pname = 1*paramchar, pvalue = 1*paramchar
    if (!isRun(name, PARAM_CHARS) || (value !== undefined && !isRun(value, PARAM_CHARS))) {
      return { ok: false, error: `the parameter ";${param}" is not well formed` };
    }
    params.push(value === undefined ? { name } : { name, value });
  }
  return { ok: true, params };
}

function parseHeaders(text: string | undefined): { ok: true; headers: { name: string; value: string }[] } | { ok: false; error: string } {
  if (text === undefined) return { ok: true, headers: [] };
  const headers: { name: string; value: string }[] = [];
  for (const header of text.split('&')) {
    const eq = header.indexOf('=');
    const name = eq < 0 ? header : header.slice(0, eq);
    const value = eq < 0 ? '' : header.slice(eq + 1);
    // header = hname "=" hvalue; hname = 1*( hnv-unreserved / unreserved / escaped ), hvalue may be empty
    if (eq < 0 || !isRun(name, HEADER_CHARS) || !isRun(value, HEADER_CHARS, true)) {
      return { ok: false, error: `the header "${header}" after "?" is not well formed` };
    }
    headers.push({ name, value });
  }
  return { ok: true, headers };
}
