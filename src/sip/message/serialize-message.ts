/**
 * serializeMessage: SipMessage → bytes. Start line, `Name: value` lines in order, an
 * empty line, the body. Content-Length lines are rewritten to the real body length
 * in bytes (a stale value would desynchronise a stream peer, RFC 3261 §18.3) but
 * never added: callers that need one use withContentLength().
 *
 * Header values must not contain CR or LF; parseMessage never produces such values
 * and the wire layer validates what applications supply.
 */
import type { SipMessage } from './types.js';
import { headerKey } from './headers.js';

function isContentLength(name: string): boolean {
  return (name.length === 1 || name.length === 14) && headerKey(name) === 'content-length';
}

function startLine(m: SipMessage): string {
  // The SP after the status code is written even for an empty reason (§7.2).
  return m.type === 'request' ? `${m.method} ${m.uri} ${m.version}` : `${m.version} ${m.status} ${m.reason}`;
}

export function serializeMessage(m: SipMessage): Buffer {
  const bodyLength = m.body.length;
  let head = `${startLine(m)}\r\n`;
  for (const h of m.headers) {
    const value = isContentLength(h.name) ? String(bodyLength) : h.value;
    head += `${h.name}: ${value}\r\n`;
  }
  head += '\r\n';
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLength + bodyLength);
  out.write(head, 0, headLength, 'utf8');
  m.body.copy(out, headLength);
  return out;
}

/**
 * A copy of the message (same body, new header list) with exactly one, correct
 * Content-Length: an existing line keeps its place and spelling, extra lines go,
 * and a message without one gets `Content-Length` appended.
 */
export function withContentLength<M extends SipMessage>(m: M): M {
  const value = String(m.body.length);
  const headers = [];
  let seen = false;
  for (const h of m.headers) {
    if (!isContentLength(h.name)) headers.push(h);
    else if (!seen) {
      headers.push({ name: h.name, value });
      seen = true;
    }
  }
  if (!seen) headers.push({ name: 'Content-Length', value });
  return { ...m, headers };
}
