import assert from 'node:assert/strict';
import { formatMessage, sendMail, SmtpError } from '../../../../src/crm/worker/smtp-client.js';
import { mailBody, mailHeader, startTinySmtpServer, type TinySmtpServer } from '../../../helpers/tiny-smtp-server.js';

describe('SMTP client (RFC 5321)', () => {
  let server: TinySmtpServer;
  afterEach(() => server.close());

  it('sends one message to every recipient: EHLO, AUTH PLAIN, MAIL, RCPT ×2, DATA, QUIT', async () => {
    server = await startTinySmtpServer({ username: 'ops', password: 'pw' });
    await sendMail(
      { host: '127.0.0.1', port: server.port, security: 'none', username: 'ops', password: 'pw', from: 'linegate@example.com', to: ['a@example.com', 'b@example.com'] },
      { subject: 'Dead letters: 2 calls', text: 'line one\n.starts with a dot\nünïcödé' },
    );
    assert.equal(server.mails.length, 1);
    const m = server.mails[0]!;
    assert.equal(m.from, 'linegate@example.com');
    assert.deepEqual(m.to, ['a@example.com', 'b@example.com']);
    assert.equal(m.auth, 'ops');
    assert.equal(mailHeader(m.data, 'Subject'), 'Dead letters: 2 calls');
    assert.equal(mailBody(m.data), 'line one\n.starts with a dot\nünïcödé');
    assert.deepEqual(server.commands.map((c) => c.split(' ')[0]), ['EHLO', 'AUTH', 'MAIL', 'RCPT', 'RCPT', 'DATA', 'QUIT']);
  });

  it('names the refused step and its reply', async () => {
    server = await startTinySmtpServer();
    server.reject.set('RCPT', '550 5.1.1 no such user');
    await assert.rejects(
      sendMail({ host: '127.0.0.1', port: server.port, from: 'x@example.com', to: ['nobody@example.com'] }, { subject: 's', text: 't' }),
      (e: unknown) => e instanceof SmtpError && e.replyCode === 550 && /RCPT TO nobody@example.com refused: 550/.test(e.message),
    );
  });

  it('refuses to send without STARTTLS when it is required and not offered', async () => {
    server = await startTinySmtpServer();
    await assert.rejects(
      sendMail({ host: '127.0.0.1', port: server.port, security: 'starttls', from: 'x@example.com', to: ['y@example.com'] }, { subject: 's', text: 't' }),
      /does not offer STARTTLS/,
    );
    assert.equal(server.mails.length, 0);
  });

  it('fails cleanly when nothing listens', async () => {
    server = await startTinySmtpServer();
    const port = server.port;
    await server.close();
    server = await startTinySmtpServer();
    await assert.rejects(sendMail({ host: '127.0.0.1', port, from: 'x@example.com', to: ['y@example.com'] }, { subject: 's', text: 't' }), /cannot connect/);
  });

  it('encodes a non-ASCII subject as an RFC 2047 encoded-word and keeps lines short', () => {
    const text = formatMessage({ from: 'a@b.c', to: ['d@e.f'] }, { subject: 'Anruf über Salesforce', text: 'x'.repeat(500) }, new Date(0));
    assert.match(text, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/m);
    assert.ok(text.split('\r\n').every((l) => l.length <= 998));
  });
});
