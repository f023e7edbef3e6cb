/**
 * One FreeSWITCH channel's outbound event-socket connection, scripted: what the `socket`
 * dialplan application does when a call reaches it (mod_event_socket, "Event Socket
 * Outbound"). It connects to the client's listener and waits for `connect`, answers with
 * the channel data, then takes `sendmsg <uuid>` messages (`call-command: execute`,
 * `execute-app-name`, `execute-app-arg`, `Event-UUID`), answering each `+OK`. The
 * CHANNEL_EXECUTE_COMPLETE that ends an application (Application-UUID = the Event-UUID
 * sent) comes when the test calls complete(), or at once for the applications in
 * `autoComplete` (variable setters). hangup() plays what FreeSWITCH does when the call
 * ends: CHANNEL_CALLSTATE(HANGUP), CHANNEL_HANGUP, the hang-up listeners (the SIP BYE),
 * then a disconnect notice and the socket closes.
 */
import { connect as tcpConnect } from 'node:net';
import type { EslConnection, FakeEventSocket } from './fake-event-socket.js';
import { commandReply } from './fake-event-socket-wire.js';
import type { EslCommand } from './fake-event-socket-wire.js';

export interface ExecuteRecord {
  readonly app: string;
  readonly arg: string;
  /** The Event-UUID the client sent; CHANNEL_EXECUTE_COMPLETE echoes it as Application-UUID. */
  readonly eventUuid: string;
}

export class FakeChannel {
  /** Every application the client asked to execute, in order. */
  readonly executes: ExecuteRecord[] = [];
  /** Applications completed at once with Application-Response _none_ (they only set variables). */
  readonly autoComplete = new Set(['set', 'export', 'multiset', 'unset']);
  /** When false, `execute hangup` is answered but the channel stays up (a stuck FreeSWITCH). */
  hangupOnExecute = true;
  readonly ended: Promise<void>;
  private readonly taken = new Set<ExecuteRecord>();
  private readonly waiters: { app: string; resolve: (e: ExecuteRecord) => void }[] = [];
  private readonly hangupListeners: (() => void)[] = [];
  private hungUp = false;

  private constructor(private readonly conn: EslConnection, readonly uuid: string, private readonly data: Record<string, string>) {
    this.ended = conn.ended;
  }

  /** Connects to `host:port` as channel `uuid`; `data` is the rest of the channel data (variable_* …). */
  static async open(fake: FakeEventSocket, target: { host: string; port: number }, uuid: string, data: Record<string, string>): Promise<FakeChannel> {
    const socket = tcpConnect(target.port, target.host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const made: { channel?: FakeChannel } = {};
    const conn = fake.adoptOutbound(socket, uuid, (c) => made.channel?.handle(c) ?? false);
    made.channel = new FakeChannel(conn, uuid, data);
    return made.channel;
  }

  /** Resolves with the next execute of `app` not yet handed out (already received or to come). */
  waitForExecute(app: string): Promise<ExecuteRecord> {
    const seen = this.executes.find((e) => e.app === app && !this.taken.has(e));
    if (seen) {
      this.taken.add(seen);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.waiters.push({ app, resolve }));
  }

  /** CHANNEL_EXECUTE_COMPLETE for `e`, with the variables/response the script wants. */
  complete(e: ExecuteRecord, headers: Readonly<Record<string, string>> = {}): void {
    this.event('CHANNEL_EXECUTE_COMPLETE', {
      Application: e.app, 'Application-Data': e.arg, 'Application-Response': '_none_', 'Application-UUID': e.eventUuid, ...headers,
    });
  }

  /** A channel event (Unique-ID added); false when the client did not subscribe to it. */
  event(name: string, headers: Readonly<Record<string, string>> = {}, body = ''): boolean {
    return this.conn.deliver({ 'Event-Name': name, 'Unique-ID': this.uuid, 'Channel-Call-UUID': this.uuid, ...headers }, body);
  }

  /** A DTMF event as FreeSWITCH reports an RFC 4733 digit (duration in 8 kHz samples). */
  dtmf(digit: string, durationSamples = 1600): boolean {
    return this.event('DTMF', { 'DTMF-Digit': digit, 'DTMF-Duration': String(durationSamples), 'DTMF-Source': 'RTP' });
  }

  onHangup(listener: () => void): void {
    this.hangupListeners.push(listener);
  }

  /** The channel ends (BYE received, or the hangup application): events, listeners, socket closed. */
  hangup(cause = 'NORMAL_CLEARING'): void {
    if (this.hungUp) return;
    this.hungUp = true;
    this.event('CHANNEL_CALLSTATE', { 'Channel-Call-State': 'HANGUP', 'Original-Channel-Call-State': 'ACTIVE', 'Hangup-Cause': cause });
    this.event('CHANNEL_HANGUP', { 'Hangup-Cause': cause });
    for (const l of this.hangupListeners) l();
    this.conn.close();
  }

  /** The connection drops without a hang-up (FreeSWITCH crashed, network cut). */
  drop(): void {
    this.conn.socket.destroy();
  }

  private handle(c: EslCommand): boolean {
    const verb = c.line.split(' ')[0]?.toLowerCase();
    if (verb === 'connect') {
      this.conn.send(this.channelData());
      return true;
    }
    if (verb === 'linger' || verb === 'myevents') {
      this.conn.send(commandReply('+OK'));
      return true;
    }
    if (verb !== 'sendmsg') return false;
    this.conn.send(commandReply('+OK'));
    if (c.headers['call-command'] === 'execute') this.onExecute(c);
    return true;
  }

  private onExecute(c: EslCommand): void {
    const e: ExecuteRecord = {
      app: c.headers['execute-app-name'] ?? '', arg: c.headers['execute-app-arg'] ?? '', eventUuid: c.headers['Event-UUID'] ?? '',
    };
    this.executes.push(e);
    if (this.autoComplete.has(e.app)) {
      this.taken.add(e);
      setImmediate(() => this.complete(e));
    } else if (e.app === 'hangup' && this.hangupOnExecute) {
      this.taken.add(e);
      setImmediate(() => {
        this.complete(e);
        this.hangup(e.arg || 'NORMAL_CLEARING');
      });
    } else {
      const w = this.waiters.find((x) => x.app === e.app);
      if (!w) return;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      this.taken.add(e);
      w.resolve(e);
    }
  }

  /**
   * The reply to `connect`: a command/reply whose headers are the channel's data, values
   * URL-encoded as switch_event_serialize writes them.
   */
  private channelData(): string {
    const fields: Record<string, string> = {
      'Event-Name': 'CHANNEL_DATA', 'Channel-Unique-ID': this.uuid, 'Unique-ID': this.uuid,
      'Channel-State': 'CS_EXECUTE', 'Channel-Call-State': 'ACTIVE', 'Answer-State': 'answered', 'Call-Direction': 'inbound',
      ...this.data,
    };
    const lines = Object.entries(fields).map(([k, v]) => `${k}: ${encodeURIComponent(v)}\n`).join('');
    return `Content-Type: command/reply\nReply-Text: +OK\nSocket-Mode: async\nControl: full\n${lines}\n`;
  }
}
