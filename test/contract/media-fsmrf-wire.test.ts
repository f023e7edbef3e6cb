/**
 * The scripted event socket itself, driven over raw TCP: it must frame its messages the
 * way FreeSWITCH's mod_event_socket does (documented framing), or the contract tests
 * would only prove that fsmrf agrees with a mistake of ours.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { FakeEventSocket } from '../helpers/fake-event-socket.js';
import { EslCommandReader } from '../helpers/fake-event-socket-wire.js';

interface Message {
  headers: Record<string, string>;
  body: string;
}

/** A minimal ESL client: writes commands, reads FreeSWITCH-framed messages. */
class RawClient {
  private buffer = '';
  private readonly queue: Message[] = [];
  private readonly waiting: ((m: Message) => void)[] = [];
  readonly closed: Promise<void>;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    return new RawClient(socket);
  }

  send(text: string): void {
    this.socket.write(text);
  }

  next(): Promise<Message> {
    const m = this.queue.shift();
    return m ? Promise.resolve(m) : new Promise((resolve) => this.waiting.push(resolve));
  }

  end(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return;
      const headers = Object.fromEntries(this.buffer.slice(0, end).split('\n').map((l) => {
        const i = l.indexOf(': ');
        return [l.slice(0, i), l.slice(i + 2)];
      }));
      const length = Number(headers['Content-Length'] ?? 0);
      if (this.buffer.length < end + 2 + length) return;
      const body = this.buffer.slice(end + 2, end + 2 + length);
      this.buffer = this.buffer.slice(end + 2 + length);
      const m = { headers, body };
      const w = this.waiting.shift();
      if (w) w(m);
      else this.queue.push(m);
    }
  }
}

/** The `Name: value` lines of a plain event body, URL-decoded. */
function plainFields(body: string): Record<string, string> {
  const head = body.split('\n\n')[0] ?? '';
  return Object.fromEntries(head.split('\n').map((l) => {
    const i = l.indexOf(': ');
    return [l.slice(0, i), decodeURIComponent(l.slice(i + 2))];
  }));
}

describe('The scripted FreeSWITCH event socket (test helper) frames messages as mod_event_socket does', function () {
  this.timeout(10_000);
  let fake: FakeEventSocket;
  let client: RawClient;
  beforeEach(async () => {
    fake = await FakeEventSocket.start({ api: (command, args) => (command === 'status' ? `UP 0 years, ${args}\n` : undefined) });
    client = await RawClient.open(fake.port);
  });
  afterEach(async () => {
    await client.end();
    await fake.stop();
  });

  it('asks for auth, refuses a wrong password and hangs up', async () => {
    assert.deepEqual(await client.next(), { headers: { 'Content-Type': 'auth/request' }, body: '' });
    client.send('auth nope\n\n');
    assert.deepEqual((await client.next()).headers, { 'Content-Type': 'command/reply', 'Reply-Text': '-ERR invalid' });
    const notice = await client.next();
    assert.equal(notice.headers['Content-Type'], 'text/disconnect-notice');
    await client.closed;
  });

  it('plain events: URL-encoded fields inside a text/event-plain body; api replies in api/response', async () => {
    await client.next();
    client.send('auth ClueCon\n\nevent plain HEARTBEAT\n\napi status now\n\napi nosuch\n\n');
    assert.equal((await client.next()).headers['Reply-Text'], '+OK accepted');
    assert.equal((await client.next()).headers['Reply-Text'], '+OK event listener enabled plain');
    assert.deepEqual(await client.next(), { headers: { 'Content-Length': '16', 'Content-Type': 'api/response' }, body: 'UP 0 years, now\n' });
    assert.equal((await client.next()).body, '-ERR nosuch Command not found!\n');
    assert.equal(fake.heartbeat({ sessionCount: 3, maxSessions: 100 }), 1);
    const event = await client.next();
    assert.equal(event.headers['Content-Type'], 'text/event-plain');
    const fields = plainFields(event.body);
    assert.equal(fields['Event-Name'], 'HEARTBEAT');
    assert.equal(fields['Session-Count'], '3');
    assert.match(event.body, /^FreeSWITCH-Version: 1\.10\.12-release%2Bgit~/m, 'values are URL-encoded');
    assert.equal(fields['FreeSWITCH-Version'], '1.10.12-release+git~20240802T120303Z~a88d069d6f~64bit');
  });

  it('bgapi answers +OK Job-UUID at once and the result comes as a BACKGROUND_JOB event (json)', async () => {
    await client.next();
    client.send('auth ClueCon\n\nevent json BACKGROUND_JOB\n\nbgapi status later\nJob-UUID: job-1\n\n');
    await client.next();
    await client.next();
    assert.deepEqual((await client.next()).headers, { 'Content-Type': 'command/reply', 'Reply-Text': '+OK Job-UUID: job-1', 'Job-UUID': 'job-1' });
    const event = await client.next();
    assert.equal(event.headers['Content-Type'], 'text/event-json');
    const json = JSON.parse(event.body) as Record<string, string>;
    assert.equal(json['Event-Name'], 'BACKGROUND_JOB');
    assert.equal(json['Job-UUID'], 'job-1');
    assert.equal(json._body, 'UP 0 years, later\n');
    assert.equal(json['Content-Length'], String('UP 0 years, later\n'.length));
  });

  it('delivers only subscribed events, and only those passing a filter', async () => {
    await client.next();
    client.send('auth ClueCon\n\nevent json HEARTBEAT\n\nfilter Session-Count 7\n\n');
    await client.next();
    await client.next();
    assert.equal((await client.next()).headers['Reply-Text'], '+OK filter added. [Session-Count]=[7]');
    assert.equal(fake.heartbeat({ sessionCount: 1, maxSessions: 10 }), 0, 'filtered out');
    assert.equal(fake.heartbeat({ sessionCount: 7, maxSessions: 10 }), 1);
    assert.equal(JSON.parse((await client.next()).body)['Session-Count'], '7');
  });

  it('records every command, with headers and body, however the bytes are chunked', () => {
    const text = 'sendmsg abc\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: /a b.wav\n\n'
      + 'sendevent CUSTOM\nContent-Length: 5\n\nhello' + 'api status\n\n';
    const whole = new EslCommandReader().push(text);
    assert.deepEqual(whole.map((c) => c.line), ['sendmsg abc', 'sendevent CUSTOM', 'api status']);
    assert.equal(whole[0]?.headers['execute-app-arg'], '/a b.wav');
    assert.equal(whole[1]?.body, 'hello');
    for (let cut = 1; cut < text.length; cut++) {
      const reader = new EslCommandReader();
      const parts = [...reader.push(text.slice(0, cut)), ...reader.push(text.slice(cut))];
      assert.deepEqual(parts, whole, `split at ${cut}`);
    }
  });
});
