/**
 * The world of the FsmrfMediaPort contract tests: the embedded SIP engine with an
 * unmodified drachtio-srf app (whose srf fsmrf uses), and one or more scripted
 * "FreeSWITCH" made of the two faces fsmrf talks to:
 *   - FakeEventSocket: the inbound event socket (auth, HEARTBEAT, `api sofia status`,
 *     uuid_* API commands) and, per channel, the outbound connection (FakeChannel);
 *   - FakeSofia: the drachtio_mrf SIP profile that receives fsmrf's INVITE.
 * They are tied together the way FreeSWITCH's drachtio_mrf dialplan ties them: an INVITE
 * whose User-Agent is `drachtio-fsmrf:<id>` is answered, then the channel connects to the
 * X-esl-outbound address with channel data carrying that User-Agent (which is how fsmrf
 * matches the ESL connection to its INVITE) and the negotiated SDP. Hanging the channel
 * up sends a BYE, and a BYE from the engine hangs the channel up.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type Srf from 'drachtio-srf';
import { FsmrfMediaPort } from '../../src/media/index.js';
import type { CreateEndpointOptions, MediaEndpoint } from '../../src/media/index.js';
import type { Clock } from '../../src/shared/index.js';
import { FakeChannel } from '../helpers/fake-event-socket-channel.js';
import { FakeEventSocket, summarize } from '../helpers/fake-event-socket.js';
import type { EslCommand } from '../helpers/fake-event-socket.js';
import { TestBed, withTimeout } from '../integration/test-bed.js';
import { FakeSofia } from './media-fsmrf-sofia.js';
import type { InviteAnswer, SipRequestIn } from './media-fsmrf-sofia.js';

export class FakeFreeswitch {
  /** Channels in creation order. */
  readonly channels: FakeChannel[] = [];
  /** How the next INVITEs are answered; the default answers like FreeSWITCH with G.711. */
  answerWith: (invite: SipRequestIn, initial: boolean) => InviteAnswer = defaultAnswer;
  /** When false, answered INVITEs never connect back over ESL (a broken dialplan). */
  connectChannels = true;
  private readonly byCallId = new Map<string, FakeChannel>();
  private readonly sdp = new Map<string, { local: string; remote: string }>();
  private readonly created: ((c: FakeChannel) => void)[] = [];
  esl!: FakeEventSocket;
  sofia!: FakeSofia;

  static async start(): Promise<FakeFreeswitch> {
    const fs = new FakeFreeswitch();
    fs.esl = await FakeEventSocket.start({ api: (command, args) => fs.api(command, args) });
    fs.sofia = await FakeSofia.start({
      answer: (invite, initial) => fs.answerWith(invite, initial),
      onAnswered: (invite, initial, sdp) => void fs.answered(invite, initial, sdp),
      onBye: (callId) => fs.byCallId.get(callId)?.hangup(),
    });
    return fs;
  }

  /** Resolves with the `n`th channel (0-based) once it has connected. */
  channel(n: number): Promise<FakeChannel> {
    const c = this.channels[n];
    if (c) return Promise.resolve(c);
    return new Promise((resolve) => this.created.push((ch) => {
      if (this.channels[n] === ch) resolve(ch);
    }));
  }

  async stop(): Promise<void> {
    await this.esl.stop();
    await this.sofia.close();
  }

  /**
   * What FreeSWITCH 1.10 answers to the API commands fsmrf and FsmrfMediaPort send.
   * uuid_send_dtmf, uuid_recv_dtmf and uuid_break print nothing when they succeed
   * (mod_commands writes only their errors), which mod_event_socket replies to an `api`
   * as "-ERR no reply".
   */
  private api(command: string, args: string): string | undefined {
    if (command === 'sofia' && args === 'status') return sofiaStatus(this.sofia.port);
    const uuid = args.split(' ')[0] ?? '';
    const channel = this.channels.find((c) => c.uuid === uuid);
    if (!command.startsWith('uuid_')) return undefined;
    if (!channel) return command === 'uuid_recv_dtmf' ? '-ERR Cannot locate session!\n' : '-ERR No such channel!\n';
    if (command === 'uuid_dump') return this.dump(uuid);
    if (command === 'uuid_recv_dtmf') this.queueDtmf(channel, args.split(' ')[1] ?? '');
    if (['uuid_send_dtmf', 'uuid_recv_dtmf', 'uuid_break'].includes(command)) return NO_REPLY;
    return command === 'uuid_record' ? '+OK Success\n' : '+OK\n';
  }

  /**
   * uuid_recv_dtmf: `<digits>[@<ms>]` joins the channel's DTMF queue; dequeuing it (the park
   * loop, playback, record) fires the DTMF event with the duration in 8 kHz samples.
   */
  private queueDtmf(channel: FakeChannel, data: string): void {
    const [digits = '', ms] = data.split('@');
    const samples = ms === undefined ? 2000 : Number(ms) * 8; // 2000: FreeSWITCH's default 250 ms
    setImmediate(() => {
      for (const d of digits) channel.dtmf(d, samples);
    });
  }

  /** uuid_dump's plain format: `Name: url-encoded value` per line. */
  private dump(uuid: string): string {
    const sdp = this.sdp.get(uuid);
    const vars = { 'Channel-Unique-ID': uuid, variable_rtp_local_sdp_str: sdp?.local ?? '', variable_switch_r_sdp: sdp?.remote ?? '' };
    return Object.entries(vars).map(([k, v]) => `${k}: ${encodeURIComponent(v)}`).join('\n') + '\n';
  }

  private async answered(invite: SipRequestIn, initial: boolean, local: string): Promise<void> {
    if (!initial) {
      const ch = this.byCallId.get(invite.callId);
      if (ch) this.sdp.set(ch.uuid, { local, remote: invite.body });
      return;
    }
    if (!this.connectChannels) return;
    // The drachtio_mrf dialplan: answer, then `socket ${sip_h_X-esl-outbound} async full`.
    const [host = '', port = '0'] = (invite.header('x-esl-outbound') ?? '').split(':');
    const uuid = randomUUID();
    this.sdp.set(uuid, { local, remote: invite.body });
    const ch = await FakeChannel.open(this.esl, { host, port: Number(port) }, uuid, {
      variable_sip_user_agent: invite.header('user-agent') ?? '',
      variable_sip_call_id: invite.callId,
      variable_rtp_local_sdp_str: local,
      variable_switch_r_sdp: invite.body,
      variable_local_media_ip: '127.0.0.1',
      variable_local_media_port: '20000',
      variable_dtmf_type: /telephone-event/.test(local) ? 'rfc2833' : 'none',
    });
    ch.onHangup(() => void this.sofia.bye(invite.callId));
    this.byCallId.set(invite.callId, ch);
    this.channels.push(ch);
    for (const f of this.created) f(ch);
  }

  private lastAnswerSdp(invite: SipRequestIn): string {
    return this.answerWith(invite, false).sdp ?? '';
  }
}

/** mod_event_socket's reply to an `api` command that printed nothing. */
const NO_REPLY = '-ERR no reply\n';

/** FreeSWITCH's `sofia status` table, with the drachtio_mrf profile fsmrf looks for. */
export function sofiaStatus(sipPort: number): string {
  const rule = '='.repeat(95);
  return [
    '                     Name\t   Type\t                                      Data\tState', rule,
    `             drachtio_mrf\tprofile\t           sip:mod_sofia@127.0.0.1:${sipPort}\tRUNNING (0)`,
    `            external-ipv6\tprofile\t                   sip:mod_sofia@[::1]:5080\tRUNNING (0)`,
    rule, '2 profiles 0 aliases', '',
  ].join('\n');
}

/** FreeSWITCH-like answer: the first of PCMU/PCMA in the offer's order, telephone-event echoed; 488 if neither. */
export function defaultAnswer(invite: SipRequestIn): InviteAnswer {
  if (invite.body === '') return { status: 200, sdp: freeswitchSdp([0, 8], 101) }; // 3pcc: FreeSWITCH offers
  const m = /^m=audio \d+ RTP\/AVP ([\d ]+)/m.exec(invite.body);
  const payloads = (m?.[1] ?? '').trim().split(' ').map(Number);
  const codec = payloads.find((pt) => pt === 0 || pt === 8);
  if (codec === undefined) return { status: 488 };
  const te = /^a=rtpmap:(\d+) telephone-event\/8000/m.exec(invite.body)?.[1];
  return { status: 200, sdp: freeswitchSdp([codec], te === undefined ? undefined : Number(te)) };
}

export function freeswitchSdp(codecs: readonly number[], telephoneEvent?: number): string {
  const pts = telephoneEvent === undefined ? codecs : [...codecs, telephoneEvent];
  return [
    'v=0', 'o=FreeSWITCH 1700000000 1700000001 IN IP4 127.0.0.1', 's=FreeSWITCH', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio 20000 RTP/AVP ${pts.join(' ')}`,
    ...codecs.map((pt) => `a=rtpmap:${pt} ${pt === 0 ? 'PCMU' : 'PCMA'}/8000`),
    ...(telephoneEvent === undefined ? [] : [`a=rtpmap:${telephoneEvent} telephone-event/8000`, `a=fmtp:${telephoneEvent} 0-16`]),
    'a=ptime:20', 'a=sendrecv', '',
  ].join('\r\n');
}

/** An offer from a phone: PCMU, PCMA and telephone-event 101 (or the payload types `payloads` lists). */
export function phoneOffer(payloads = '0 8 101'): string {
  const maps: Record<string, readonly string[]> = {
    0: ['a=rtpmap:0 PCMU/8000'], 8: ['a=rtpmap:8 PCMA/8000'], 18: ['a=rtpmap:18 G729/8000'],
    101: ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16'],
  };
  return [
    'v=0', 'o=phone 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio 40000 RTP/AVP ${payloads}`,
    ...payloads.split(' ').flatMap((pt) => maps[pt] ?? []), 'a=sendrecv', '',
  ].join('\r\n');
}

export interface FsmrfBed {
  readonly port: FsmrfMediaPort;
  readonly srf: Srf;
  readonly switches: readonly FakeFreeswitch[];
  teardown(): Promise<void>;
}

/** Engine + srf + `count` scripted FreeSWITCH + a started FsmrfMediaPort over them. */
export async function startFsmrfBed(count = 1, options: { destroyTimeoutMs?: number; clock?: Clock } = {}): Promise<FsmrfBed> {
  const tb = new TestBed();
  const switches: FakeFreeswitch[] = [];
  let port: FsmrfMediaPort | undefined;
  const teardown = async (): Promise<void> => {
    if (port) await withTimeout(port.close(), 5_000, 'FsmrfMediaPort.close() hung');
    for (const fs of switches) await fs.stop();
    await tb.teardown();
    assert.deepEqual(tb.problems, [], 'test bed teardown problems');
  };
  try {
    const eut = await tb.startEngine();
    const srf = await tb.connectApp(eut, () => undefined);
    for (let i = 0; i < count; i++) switches.push(await FakeFreeswitch.start());
    port = new FsmrfMediaPort({
      srf,
      servers: switches.map((fs) => ({ address: '127.0.0.1', port: fs.esl.port, listenAddress: '127.0.0.1' })),
      connectTimeoutMs: 3_000,
      destroyTimeoutMs: options.destroyTimeoutMs ?? 2_000,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    await port.start();
    return { port, srf, switches, teardown };
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
}

export interface EndpointOnChannel {
  readonly ep: MediaEndpoint;
  readonly ch: FakeChannel;
  readonly fs: FakeFreeswitch;
  /** Summaries of the commands on this channel's connection from index `from` on. */
  lines(from?: number): string[];
  /** How many commands this channel's connection has received so far (a mark for lines()). */
  mark(): number;
  /** Resolves once this channel's connection received a command whose summary starts with `prefix`. */
  received(prefix: string): Promise<EslCommand>;
}

/** createEndpoint, then waits for the channel's set-up commands so that later ones stand alone. */
export async function endpointOnChannel(bed: FsmrfBed, options: CreateEndpointOptions = { remoteSdp: phoneOffer() }): Promise<EndpointOnChannel> {
  const ep = await bed.port.createEndpoint(options);
  const fs = bed.switches.find((s) => s.channels.some((c) => c.uuid === ep.id));
  const ch = fs?.channels.find((c) => c.uuid === ep.id);
  assert.ok(fs && ch, `no scripted channel has the endpoint's id ${ep.id}`);
  const on = onChannel(ep, ch, fs);
  await on.received('filter Unique-ID');
  if (options.remoteSdp !== undefined) await on.received('execute set codec_string=');
  return on;
}

function onChannel(ep: MediaEndpoint, ch: FakeChannel, fs: FakeFreeswitch): EndpointOnChannel {
  return {
    ep, ch, fs,
    lines: (from = 0) => fs.esl.commandsOf(ch.uuid).slice(from).map(summarize),
    mark: () => fs.esl.commandsOf(ch.uuid).length,
    received: (prefix) => fs.esl.waitFor((c) => c.connection === ch.uuid && summarize(c).startsWith(prefix)),
  };
}
