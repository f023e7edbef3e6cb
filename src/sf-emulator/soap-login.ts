/**
 * POST /services/Soap/u/NN.0 — the partner SOAP API's login() and logout(), which jsforce's
 * `conn.login(username, password)` uses.
 *
 * SOAP API Developer Guide, 'login()': the password is the user's password followed by the
 * security token; 'LoginResult': metadataServerUrl, passwordExpired, sandbox, serverUrl,
 * sessionId, userId, userInfo (getUserInfoResult, which carries organizationId). A failed login
 * is a SOAP fault (HTTP 500, SOAP 1.1 §6.2) with faultcode sf:INVALID_LOGIN and faultstring
 * "INVALID_LOGIN: Invalid username, password, security token; or user locked out."
 * Salesforce retires SOAP login() in Summer '27 (API 65.0 and later); the emulator still
 * answers it for every accepted version.
 */
import type { RestReply } from './api-errors.js';
import type { OrgUsers } from './org-users.js';
import type { SessionRegistry } from './session-registry.js';

export interface SoapLoginDeps {
  readonly users: OrgUsers;
  readonly sessions: SessionRegistry;
  readonly orgId: string;
  baseUrl(): string;
}

const ENVELOPE_OPEN = '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

export function handleSoapRequest(deps: SoapLoginDeps, version: string, body: string): RestReply {
  if (/<(?:\w+:)?logout[\s/>]/.test(body)) {
    const token = element(body, 'sessionId');
    if (token) deps.sessions.revoke(token);
    return xml(200, '<logoutResponse/>');
  }
  if (!/<(?:\w+:)?login[\s>]/.test(body)) {
    return fault('INVALID_OPERATION', 'INVALID_OPERATION: the emulator implements only login() and logout() on the SOAP API');
  }
  const user = deps.users.byUsername(element(body, 'username') ?? '');
  const password = element(body, 'password') ?? '';
  if (!user || password !== user.spec.password + user.spec.securityToken) {
    return fault('INVALID_LOGIN', 'INVALID_LOGIN: Invalid username, password, security token; or user locked out.');
  }
  const session = deps.sessions.issue(user.spec.username);
  const base = deps.baseUrl();
  const spec = user.spec;
  const fullName = [spec.firstName, spec.lastName ?? spec.username].filter(Boolean).join(' ');
  return xml(200, [
    '<loginResponse><result>',
    `<metadataServerUrl>${base}/services/Soap/m/${version}/${deps.orgId}</metadataServerUrl>`,
    '<passwordExpired>false</passwordExpired><sandbox>false</sandbox>',
    `<serverUrl>${base}/services/Soap/u/${version}/${deps.orgId}</serverUrl>`,
    `<sessionId>${escapeXml(session.token)}</sessionId>`,
    `<userId>${user.userId}</userId>`,
    '<userInfo>',
    `<organizationId>${deps.orgId}</organizationId><organizationName>linegate emulated org</organizationName>`,
    `<userEmail>${escapeXml(spec.email ?? spec.username)}</userEmail><userFullName>${escapeXml(fullName)}</userFullName>`,
    `<userId>${user.userId}</userId><userName>${escapeXml(spec.username)}</userName>`,
    '</userInfo></result></loginResponse>',
  ].join(''));
}

export function fault(code: string, message: string): RestReply {
  return xml(500, [
    `<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${escapeXml(message)}</faultstring>`,
    `<detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>${code}</sf:exceptionCode>`,
    `<sf:exceptionMessage>${escapeXml(message.replace(/^[A-Z_]+: /, ''))}</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault>`,
  ].join(''));
}

function xml(status: number, inner: string): RestReply {
  return { status, text: { contentType: 'text/xml;charset=UTF-8', content: ENVELOPE_OPEN + inner + ENVELOPE_CLOSE } };
}

/** The text of the first element with this local name, whatever its namespace prefix. */
function element(body: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(body);
  return m ? unescapeXml(m[1]!) : undefined;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}
