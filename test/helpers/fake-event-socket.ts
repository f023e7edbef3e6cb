/**
 * A scripted FreeSWITCH event socket for contract tests (NOT a FreeSWITCH: it executes
 * nothing, it answers what the test script says). It speaks the real framing of
 * fake-event-socket-wire.ts on 127.0.0.1 (port 0) in both directions:
 *   - inbound (client → us): `auth/request`, `auth <secret>` → `+OK accepted`, `event
 *     plain|json …` subscriptions, `filter`, `api …` → `api/response`, `bgapi …` →
 *     `+OK Job-UUID` then a BACKGROUND_JOB event, `exit`;
 *   - outbound (us → a client's listener, as the `socket` dialplan app does): `connect`
 *     → the channel data (Event-Name CHANNEL_DATA in a command/reply), then the same
 *     commands plus `sendmsg` (`call-command: execute`) answered `+OK` and completed by a
 *     CHANNEL_EXECUTE_COMPLETE when the script says so (FakeChannel in
 *     fake-event-socket-channel.ts).
 * Events reach a connection only if it subscribed to them and they pass its filters, as
 * with FreeSWITCH. Every command received is recorded in `commands`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  DISCONNECT_NOTICE, EslCommandReader, apiResponse, commandReply, eventMessage, frame, parseEventCommand,
} from './fake-event-socket-wire.js';
import type { EslCommand, EventFormat } from './fake-event-socket-wire.js';

export { summarize } from './fake-event-socket-wire.js';
export type { EslCommand } from './fake-event-socket-wire.js';

/** The script for `api`/`bgapi`: the reply text for a command, or undefined for FreeSWITCH's "not found". */
export type ApiScript = (command: string, args: string, connection: string) => string | undefined;

/** One ESL connection (either direction): subscriptions, filters, command dispatch. */
export class EslConnection {
  private readonly reader = new EslCommandReader();
  private readonly subscribed = new Set<string>();
  private readonly filters: [string, string][] = [];
  private format: EventFormat = 'plain';
  readonly ended: Promise<void>;

  constructor(
    readonly socket: Socket,
    public name: string,
    private readonly owner: FakeEventSocket,
    private readonly extra: (c: EslCommand) => boolean = () => false,
  ) {
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const parsed of this.reader.push(chunk)) this.handle({ connection: this.name, ...parsed });
    });
    socket.on('error', () => undefined); // the client going away is part of the script
  }

  send(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Delivers an event if this connection subscribed to it and it passes the filters. */
  deliver(headers: Readonly<Record<string, string>>, body = ''): boolean {
    const name = headers['Event-Name'] ?? '';
    const wanted = this.subscribed.has('ALL') || this.subscribed.has(name.toUpperCase());
    const passes = this.filters.length === 0 || this.filters.some(([h, v]) => headers[h] === v);
    if (!wanted || !passes) return false;
    this.send(eventMessage(this.format, { 'Event-Name': name, ...this.owner.commonHeaders(), ...headers }, body));
    return true;
  }

  close(): void {
    this.send(DISCONNECT_NOTICE);
    this.socket.end();
  }

  private handle(c: EslCommand): void {
    this.owner.record(c);
    if (this.extra(c)) return;
    const [verb = '', ...rest] = c.line.split(' ');
    const args = rest.join(' ');
    switch (verb.toLowerCase()) {
      case 'auth':
        this.send(args === this.owner.password ? commandReply('+OK accepted') : commandReply('-ERR invalid'));
        if (args !== this.owner.password) this.close();
        return;
      case 'event': return this.subscribe(c.line);
      case 'filter': return this.addFilter(args);
      case 'api': return this.send(apiResponse(this.owner.apiReply(args, this.name)));
      case 'bgapi': return this.bgapi(args, c.headers['Job-UUID'] ?? randomUUID());
      case 'exit':
        this.send(commandReply('+OK bye'));
        this.close();
        return;
      default:
        this.send(commandReply(`-ERR command not found`));
    }
  }

  private subscribe(line: string): void {
    const parsed = parseEventCommand(line);
    if (!parsed) return this.send(commandReply('-ERR invalid event format'));
    this.format = parsed.format;
    for (const n of parsed.names) this.subscribed.add(n.toUpperCase());
    this.send(commandReply(`+OK event listener enabled ${parsed.format}`));
  }

  private addFilter(args: string): void {
    const [header = '', ...value] = args.split(' ');
    this.filters.push([header, value.join(' ')]);
    this.send(commandReply(`+OK filter added. [${header}]=[${value.join(' ')}]`));
  }

  private bgapi(commandLine: string, jobUuid: string): void {
    this.send(commandReply(`+OK Job-UUID: ${jobUuid}`, { 'Job-UUID': jobUuid }));
    const reply = this.owner.apiReply(commandLine, this.name);
    const [command = '', ...rest] = commandLine.split(' ');
    setImmediate(() => this.deliver(
      { 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': jobUuid, 'Job-Command': command, 'Job-Command-Arg': rest.join(' ') }, reply,
    ));
  }
}

export interface FakeEventSocketOptions {
  /** mod_event_socket's password (default ClueCon). */
  readonly password?: string;
  /** Replies to `api`/`bgapi` commands; overrides added with onApi() are tried first. */
  readonly api?: ApiScript;
}

export class FakeEventSocket {
  /** Every command received, on every connection, in arrival order. */
  readonly commands: EslCommand[] = [];
  readonly password: string;
  private readonly inbound: EslConnection[] = [];
  private readonly outbound = new Set<EslConnection>();
  private readonly overrides: { match: RegExp; reply: string }[] = [];
  private readonly waiters: { test: (c: EslCommand) => boolean; resolve: (c: EslCommand) => void }[] = [];
  private accepted = 0;
  private sequence = 0;
  private readonly coreUuid = randomUUID();

  private constructor(private readonly server: Server, readonly port: number, private readonly o: FakeEventSocketOptions) {
    this.password = o.password ?? 'ClueCon';
  }

  static async start(o: FakeEventSocketOptions = {}): Promise<FakeEventSocket> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const fake = new FakeEventSocket(server, typeof address === 'object' && address ? address.port : 0, o);
    server.on('connection', (socket) => fake.accept(socket));
    return fake;
  }

  /** The headers FreeSWITCH puts on every event (Core-UUID also routes events without a Unique-ID). */
  commonHeaders(): Record<string, string> {
    return {
      'Core-UUID': this.coreUuid, 'FreeSWITCH-Hostname': 'fake-freeswitch', 'FreeSWITCH-IPv4': '127.0.0.1',
      'Event-Date-Timestamp': String(Date.now() * 1000), 'Event-Sequence': String(++this.sequence),
    };
  }

  /** From now on, `api <command>` lines matching `match` get `reply` (latest override wins). */
  onApi(match: RegExp, reply: string): void {
    this.overrides.unshift({ match, reply });
  }

  apiReply(commandLine: string, connection: string): string {
    const override = this.overrides.find((o) => o.match.test(commandLine));
    if (override) return override.reply;
    const [command = '', ...rest] = commandLine.split(' ');
    return this.o.api?.(command, rest.join(' '), connection) ?? `-ERR ${command} Command not found!\n`;
  }

  /** A HEARTBEAT event, as FreeSWITCH sends every 20 s, to every subscribed inbound connection. */
  heartbeat(fields: { sessionCount: number; maxSessions: number }): number {
    const headers = {
      'Event-Name': 'HEARTBEAT', 'Session-Count': String(fields.sessionCount), 'Max-Sessions': String(fields.maxSessions),
      'FreeSWITCH-Version': '1.10.12-release+git~20240802T120303Z~a88d069d6f~64bit', 'Idle-CPU': '98.000000',
    };
    return this.inbound.filter((c) => c.deliver(headers)).length;
  }

  /** Resolves with the first command (already received or to come) that `test` accepts. */
  waitFor(test: (c: EslCommand) => boolean): Promise<EslCommand> {
    const seen = this.commands.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  record(c: EslCommand): void {
    this.commands.push(c);
    for (const w of [...this.waiters]) {
      if (!w.test(c)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(c);
    }
  }

  /** Commands of one connection (an inbound name or a channel uuid), in order. */
  commandsOf(connection: string): EslCommand[] {
    return this.commands.filter((c) => c.connection === connection);
  }

  /** Opens an outbound connection to `port` (the `socket` app), with a handler for extra verbs. */
  adoptOutbound(socket: Socket, name: string, extra: (c: EslCommand) => boolean): EslConnection {
    const conn = new EslConnection(socket, name, this, extra);
    this.outbound.add(conn);
    void conn.ended.then(() => this.outbound.delete(conn));
    return conn;
  }

  /** Closes every connection and the listener. */
  async stop(): Promise<void> {
    const all = [...this.inbound, ...this.outbound];
    for (const c of all) c.socket.destroy();
    await Promise.all(all.map((c) => c.ended));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const conn = new EslConnection(socket, `inbound#${++this.accepted}`, this);
    this.inbound.push(conn);
    conn.send(frame({ 'Content-Type': 'auth/request' }));
  }
}
