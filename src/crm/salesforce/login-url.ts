/**
 * Where the integration user logs in. Salesforce Help, "OAuth Endpoints": the token endpoint
 * `https://<host>/services/oauth2/token` is served by login.salesforce.com, a My Domain URL
 * (https://MyCompany.my.salesforce.com), an Experience Cloud site, and for sandboxes by
 * test.salesforce.com or the sandbox's My Domain (…--Sandbox.sandbox.my.salesforce.com).
 * "All OAuth endpoints require secure HTTP (HTTPS)": plain http is accepted only for the
 * loopback addresses, where the tests' emulator runs.
 */
export const PRODUCTION_LOGIN_URL = 'https://login.salesforce.com';
export const SANDBOX_LOGIN_URL = 'https://test.salesforce.com';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type LoginUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** The login URL reduced to its origin, or why it cannot be used. */
export function checkLoginUrl(raw: string): LoginUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `${JSON.stringify(raw)} is not a URL; use e.g. ${PRODUCTION_LOGIN_URL}` };
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    return { ok: false, reason: `${raw}: Salesforce requires https (http is allowed only for 127.0.0.1/localhost)` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `${raw}: use an https URL` };
  if (url.pathname !== '/' && url.pathname !== '') return { ok: false, reason: `${raw}: give the host only, without a path` };
  return { ok: true, url: url.origin };
}

/** `https://<name>.my.salesforce.com`, or the sandbox form when `sandbox` names the sandbox. */
export function myDomainLoginUrl(myDomain: string, sandbox?: string): string {
  return sandbox === undefined
    ? `https://${myDomain}.my.salesforce.com`
    : `https://${myDomain}--${sandbox}.sandbox.my.salesforce.com`;
}

/**
 * The JWT `aud` claim. Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server
 * Integration": aud is the authorization server, https://login.salesforce.com or
 * https://test.salesforce.com (or an Experience Cloud site URL); a My Domain login still
 * uses the production or sandbox audience. Any other host (a site, the emulator) is its own
 * audience.
 */
export function jwtAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname.toLowerCase();
  if (host === 'login.salesforce.com' || host === 'test.salesforce.com') return `https://${host}`;
  if (host.endsWith('.sandbox.my.salesforce.com')) return SANDBOX_LOGIN_URL;
  if (host.endsWith('.my.salesforce.com')) return PRODUCTION_LOGIN_URL;
  return new URL(loginUrl).origin;
}

/** The API version as Salesforce spells it in URLs ('62.0'), or undefined. */
export function checkApiVersion(raw: string): string | undefined {
  const m = /^v?(\d{2,3})(\.0)?$/.exec(raw.trim());
  return m?.[1] ? `${m[1]}.0` : undefined;
}
