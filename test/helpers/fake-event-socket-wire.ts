/**
 * The FreeSWITCH event socket (mod_event_socket) framing, written from FreeSWITCH's
 * documentation ("Event Socket", "Event Socket Outbound") for the scripted peer in
 * fake-event-socket.ts:
 *   - client → FreeSWITCH: a command line, then `Name: value` header lines, ended by an
 *     empty line (`\n\n`); an optional body follows when a Content-Length header says so.
 *   - FreeSWITCH → client: header lines ended by an empty line; `Content-Type` says what
 *     it is (auth/request, command/reply with Reply-Text, api/response, text/event-plain,
 *     text/event-json, text/disconnect-notice); `Content-Length` announces a body.
 *   - an event's body is the event itself: plain is `Name: url-encoded value` lines (and
 *     `Content-Length` + body for an event that has one), json is one object whose values
 *     are strings and whose `_body` is the event body.
 */

/** One command received from the client. */
export interface EslCommand {
  /** Which connection: `inbound#<n>` or the channel's uuid for an outbound one. */
  readonly connection: string;
  /** The first line, e.g. `api uuid_bridge a b`, `sendmsg <uuid>`, `event json DTMF`. */
  readonly line: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A readable one-liner: `execute <app> <arg>` for sendmsg/execute, else the command line. */
export function summarize(c: EslCommand): string {
  if (c.line.startsWith('sendmsg') && c.headers['call-command'] === 'execute') {
    const arg = c.headers['execute-app-arg'];
    return arg ? `execute ${c.headers['execute-app-name']} ${arg}` : `execute ${c.headers['execute-app-name']}`;
  }
  return c.line;
}

type Parsed = Omit<EslCommand, 'connection'>;

/** Splits the client's byte stream into commands; tolerant of \r\n and of any chunking. */
export class EslCommandReader {
  private buffer = '';
  private pending: { line: string; headers: Record<string, string>; length: number } | undefined;

  push(chunk: string): Parsed[] {
    this.buffer += chunk.replace(/\r\n/g, '\n');
    const out: Parsed[] = [];
    for (;;) {
      if (this.pending) {
        if (this.buffer.length < this.pending.length) return out;
        const { line, headers, length } = this.pending;
        out.push({ line, headers, body: this.buffer.slice(0, length) });
        this.buffer = this.buffer.slice(length);
        this.pending = undefined;
        continue;
      }
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return out;
      const lines = this.buffer.slice(0, end).split('\n');
      this.buffer = this.buffer.slice(end + 2);
      const line = (lines.shift() ?? '').trim();
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim()] = l.slice(i + 1).trim();
      }
      const length = Number(headers['Content-Length'] ?? 0);
      if (length > 0) this.pending = { line, headers, length };
      else if (line !== '') out.push({ line, headers, body: '' });
    }
  }
}

/** A message from FreeSWITCH: headers, and a Content-Length + body when there is one. */
export function frame(headers: Readonly<Record<string, string>>, body = ''): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\n`);
  if (body === '') return `${lines.join('')}\n`;
  return `Content-Length: ${Buffer.byteLength(body)}\n${lines.join('')}\n${body}`;
}

export function commandReply(text: string, extra: Readonly<Record<string, string>> = {}): string {
  return frame({ 'Content-Type': 'command/reply', 'Reply-Text': text, ...extra });
}

export function apiResponse(body: string): string {
  return frame({ 'Content-Type': 'api/response' }, body);
}

/** switch_event_serialize: `Name: url-encoded value` lines, then the body if any. */
export function serializePlain(headers: Readonly<Record<string, string>>, body = ''): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${encodeURIComponent(v)}\n`).join('');
  return body === '' ? `${lines}\n` : `${lines}Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

export type EventFormat = 'plain' | 'json';

export function eventMessage(format: EventFormat, headers: Readonly<Record<string, string>>, body = ''): string {
  if (format === 'json') {
    const obj: Record<string, string> = { ...headers };
    if (body !== '') {
      obj['Content-Length'] = String(Buffer.byteLength(body));
      obj._body = body;
    }
    return frame({ 'Content-Type': 'text/event-json' }, JSON.stringify(obj));
  }
  return frame({ 'Content-Type': 'text/event-plain' }, serializePlain(headers, body));
}

export const DISCONNECT_NOTICE = frame(
  { 'Content-Type': 'text/disconnect-notice' },
  'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
);

/** Parses what `event <format> A B …` subscribed to (CUSTOM subclasses are kept as names too). */
export function parseEventCommand(line: string): { format: EventFormat; names: string[] } | undefined {
  const m = /^event\s+(plain|json|xml)\s+(.*)$/i.exec(line);
  if (!m) return undefined;
  const format = (m[1] ?? 'plain').toLowerCase() === 'json' ? 'json' : 'plain';
  return { format, names: (m[2] ?? '').split(/\s+/).filter((n) => n !== '') };
}
