/**
 * A tiny SMTP server for tests (RFC 5321 subset): greets, answers EHLO with a multi-line
 * reply, accepts AUTH PLAIN when given credentials, MAIL/RCPT/DATA/QUIT, and records each
 * message. `reject` makes a command fail with the given reply, to test error paths.
 * Bound to 127.0.0.1 on a port picked at run time.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly data: string;
  readonly auth: string | undefined;
}

export interface TinySmtpServer {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** Every command line received, in order. */
  readonly commands: string[];
  /** A command prefix (e.g. 'RCPT') → the reply to fail it with (e.g. '550 no such user'). */
  readonly reject: Map<string, string>;
  close(): Promise<void>;
}

export async function startTinySmtpServer(credentials?: { username: string; password: string }): Promise<TinySmtpServer> {
  const mails: ReceivedMail[] = [];
  const commands: string[] = [];
  const reject = new Map<string, string>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let mail: { from: string; to: string[]; data: string[]; auth: string | undefined } = { from: '', to: [], data: [], auth: undefined };
    let auth: string | undefined;
    const reply = (line: string): void => void socket.write(`${line}\r\n`);
    reply('220 tiny.test ESMTP ready');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let at: number;
      while ((at = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push({ from: mail.from, to: mail.to, data: mail.data.join('\r\n'), auth });
            mail = { from: '', to: [], data: [], auth: undefined };
            reply('250 2.0.0 queued');
          } else mail.data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        commands.push(line);
        const verb = line.split(' ')[0]?.toUpperCase() ?? '';
        const refusal = [...reject].find(([prefix]) => line.toUpperCase().startsWith(prefix));
        if (refusal) {
          reply(refusal[1]);
          continue;
        }
        if (verb === 'EHLO') {
          reply('250-tiny.test greets you');
          reply('250-8BITMIME');
          reply(credentials ? '250 AUTH PLAIN' : '250 HELP');
        } else if (verb === 'AUTH') {
          const token = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8');
          const ok = credentials && token === `\u0000${credentials.username}\u0000${credentials.password}`;
          if (ok) auth = credentials.username;
          reply(ok ? '235 2.7.0 accepted' : '535 5.7.8 bad credentials');
        } else if (verb === 'MAIL') {
          if (credentials && !auth) reply('530 5.7.0 authentication required');
          else {
            mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
            reply('250 2.1.0 ok');
          }
        } else if (verb === 'RCPT') {
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'QUIT') {
          reply('221 2.0.0 bye');
          socket.end();
        } else reply('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    mails,
    commands,
    reject,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** The text of a base64 text/plain body. */
export function mailBody(data: string): string {
  const [, body = ''] = data.split('\r\n\r\n');
  return Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8');
}

export function mailHeader(data: string, name: string): string | undefined {
  const head = data.split('\r\n\r\n')[0] ?? '';
  return head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
}
