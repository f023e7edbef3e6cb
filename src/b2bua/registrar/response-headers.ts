/**
 * Header values for the registrar's responses, in the shape srf's `res.send` takes
 * (one string per header name).
 */
import type { LiveBinding } from '../../state/index.js';

/**
 * Several header lines of one name from one srf header value. srf would join an array
 * with commas, which SIP only allows for list headers; WWW-Authenticate is not one
 * (RFC 3261 §25.1: one challenge per header), so the value carries the line breaks.
 * Both srf's serializer and the engine's parser (drachtio-server's alike) see separate lines.
 */
export function multiValue(name: string, values: readonly string[]): string {
  return values.join(`\r\n${name}: `);
}

/** RFC 3261 §10.3 step 8: every current binding, each with the seconds it has left. */
export function contactHeader(bindings: readonly LiveBinding[]): string {
  return bindings.map(contactValue).join(', ');
}

function contactValue(b: LiveBinding): string {
  let v = `<${b.contact}>;expires=${Math.max(0, Math.ceil(b.expiresInMs / 1000))}`;
  if (b.q !== undefined) v += `;q=${b.q}`;
  if (b.instanceId !== undefined) v += `;+sip.instance="${b.instanceId.replace(/(["\\])/g, '\\$1')}"`;
  if (b.regId !== undefined) v += `;reg-id=${b.regId}`;
  return v;
}

/** RFC 7231 §7.1.1.1 IMF-fixdate, which RFC 3261 §20.17 requires (always GMT). */
export function dateHeader(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}
