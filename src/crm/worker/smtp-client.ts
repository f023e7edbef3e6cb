/**
 * A minimal SMTP client (RFC 5321) for operator notifications, on node:net / node:tls, so
 * no mail package is needed: EHLO, optional STARTTLS (RFC 3207) or implicit TLS, optional
 * AUTH PLAIN (RFC 4954, RFC 4616), MAIL FROM, RCPT TO per recipient, DATA, QUIT.
 *
 * The body goes base64-encoded (RFC 2045 §6.8), so every line is 7-bit and short and no
 * line can start with "." (the DATA transparency rule of RFC 5321 §4.5.2 never applies);
 * a non-ASCII Subject is an RFC 2047 encoded-word.
 */
import { randomUUID } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** `none`: plain TCP; `starttls`: upgrade after EHLO (refuse if not offered); `tls`: TLS from the start (port 465). */
  readonly security?: 'none' | 'starttls' | 'tls';
  readonly username?: string;
  readonly password?: string;
  readonly from: string;
  readonly to: readonly string[];
  /** The name this client gives in EHLO. Default `linegate.invalid`. */
  readonly heloName?: string;
  /** For the whole session. Default 15 s. */
  readonly timeoutMs?: number;
  readonly tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized' | 'servername'>;
}

export interface MailMessage {
  readonly subject: string;
  readonly text: string;
}

export class SmtpError extends Error {
  constructor(
    message: string,
    readonly replyCode?: number,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

interface Reply {
  readonly code: number;
  readonly lines: readonly string[];
}

/** Sends one message to every recipient; rejects with SmtpError naming the step that failed. */
export async function sendMail(o: SmtpOptions, message: MailMessage, now: () => Date = () => new Date()): Promise<void> {
  const session = await SmtpSession.open(o);
  try {
    await session.expect('greeting', [220]);
    let ehlo = await session.command(`EHLO ${o.heloName ?? 'linegate.invalid'}`, 'EHLO', [250]);
    if (o.security === 'starttls') {
      if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l))) throw new SmtpError(`${o.host}:${o.port} does not offer STARTTLS`);
      await session.command('STARTTLS', 'STARTTLS', [220]);
      await session.upgrade(o);
      ehlo = await session.command(`EHLO ${o.heloName ?? 'linegate.invalid'}`, 'EHLO', [250]);
    }
    if (o.username !== undefined) {
      const token = Buffer.from(`\u0000${o.username}\u0000${o.password ?? ''}`).toString('base64');
      await session.command(`AUTH PLAIN ${token}`, 'AUTH', [235]);
    }
    await session.command(`MAIL FROM:<${o.from}>`, 'MAIL FROM', [250]);
    for (const rcpt of o.to) await session.command(`RCPT TO:<${rcpt}>`, `RCPT TO ${rcpt}`, [250, 251]);
    await session.command('DATA', 'DATA', [354]);
    await session.command(`${formatMessage(o, message, now())}\r\n.`, 'message', [250]);
    await session.command('QUIT', 'QUIT', [221]).catch(() => undefined);
  } finally {
    session.close();
  }
}

/** RFC 5322 headers and a base64 text/plain body, CRLF line ends. */
export function formatMessage(o: Pick<SmtpOptions, 'from' | 'to'>, m: MailMessage, date: Date): string {
  const body = Buffer.from(m.text, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n').trimEnd();
  return [
    `From: <${o.from}>`,
    `To: ${o.to.map((t) => `<${t}>`).join(', ')}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@linegate.invalid>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
}

function encodeHeader(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

class SmtpSession {
  private buffer = '';
  private replyLines: string[] = [];
  private readonly replies: Reply[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private socket: Socket | TLSSocket,
    timeoutMs: number,
  ) {
    this.attach(socket);
    this.timer = setTimeout(() => this.fail(new SmtpError(`SMTP session timed out after ${timeoutMs} ms`)), timeoutMs);
    this.timer.unref();
  }

  static open(o: SmtpOptions): Promise<SmtpSession> {
    return new Promise((resolve, reject) => {
      const opts = { host: o.host, port: o.port };
      const socket = o.security === 'tls' ? tlsConnect({ ...opts, ...o.tls, servername: o.tls?.servername ?? o.host }) : netConnect(opts);
      const ready = o.security === 'tls' ? 'secureConnect' : 'connect';
      const onError = (e: Error): void => reject(new SmtpError(`cannot connect to ${o.host}:${o.port}: ${e.message}`));
      socket.once('error', onError);
      socket.once(ready, () => {
        socket.off('error', onError);
        resolve(new SmtpSession(socket, o.timeoutMs ?? 15_000));
      });
    });
  }

  async command(line: string, step: string, ok: readonly number[]): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.expect(step, ok);
  }

  async expect(step: string, ok: readonly number[]): Promise<Reply> {
    const reply = await this.next();
    if (!ok.includes(reply.code)) {
      throw new SmtpError(`SMTP ${step} refused: ${reply.code} ${reply.lines.join(' ')}`, reply.code);
    }
    return reply;
  }

  /** RFC 3207 §4: after 220 to STARTTLS, TLS starts on the same connection. */
  upgrade(o: SmtpOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.removeAllListeners('data');
      const secure = tlsConnect({ socket: this.socket, ...o.tls, servername: o.tls?.servername ?? o.host });
      secure.once('error', (e) => reject(new SmtpError(`STARTTLS handshake failed: ${e.message}`)));
      secure.once('secureConnect', () => {
        this.socket = secure;
        this.attach(secure);
        resolve();
      });
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.socket.destroy();
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.fail(new SmtpError(`SMTP connection failed: ${e.message}`)));
    socket.on('close', () => this.fail(new SmtpError('SMTP server closed the connection')));
  }

  /** RFC 5321 §4.2.1: `NNN-text` continues a reply, `NNN text` (or bare `NNN`) ends it. */
  private onData(chunk: string): void {
    this.buffer += chunk;
    let at: number;
    while ((at = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, at).replace(/\r$/, '');
      this.buffer = this.buffer.slice(at + 1);
      const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!m) continue;
      this.replyLines.push(m[3] ?? '');
      if (m[2] !== '-') {
        this.replies.push({ code: Number(m[1]), lines: this.replyLines });
        this.replyLines = [];
        this.waiter?.();
      }
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.waiter?.();
  }

  private async next(): Promise<Reply> {
    for (;;) {
      const r = this.replies.shift();
      if (r) return r;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }
}
