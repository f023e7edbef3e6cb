/**
 * FsmrfMediaPort's endpoint life cycle over drachtio-fsmrf 4.1.2, against a scripted
 * FreeSWITCH (fake event socket + fake Sofia UAS), with the embedded SIP engine carrying
 * fsmrf's INVITEs. What is checked is what FreeSWITCH would see: the exact ESL commands
 * and SIP requests, and how FreeSWITCH's replies and events become MediaPort results.
 * Nothing here proves FreeSWITCH behaves as scripted: see docs/media-freeswitch.md.
 */
import assert from 'node:assert/strict';
import { LinegateError } from '../../src/shared/index.js';
import { summarize } from '../helpers/fake-event-socket.js';
import { FakeChannel } from '../helpers/fake-event-socket-channel.js';
import { until } from '../helpers/until.js';
import { endpointOnChannel, freeswitchSdp, phoneOffer, startFsmrfBed } from './media-fsmrf-bed.js';
import type { FsmrfBed } from './media-fsmrf-bed.js';

const ENDPOINT_EVENTS = 'event json CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_PROGRESS_MEDIA CHANNEL_CALLSTATE '
  + 'CHANNEL_ANSWER DTMF DETECTED_TONE SWITCH_EVENT_PLAYBACK_START SWITCH_EVENT_PLAYBACK_STOP CUSTOM conference::maintenance BACKGROUND_JOB';

function code(expected: string): (err: unknown) => boolean {
  return (err) => err instanceof LinegateError && err.code === expected;
}

describe('FsmrfMediaPort against a scripted FreeSWITCH event socket (not a real FreeSWITCH): endpoint life cycle', function () {
  this.timeout(20_000);
  let bed: FsmrfBed | undefined;
  const theBed = (): FsmrfBed => {
    assert.ok(bed);
    return bed;
  };
  afterEach(async () => {
    await bed?.teardown();
    bed = undefined;
  });

  it('start() authenticates, subscribes to HEARTBEAT and reads the drachtio_mrf profile from `sofia status`', async () => {
    bed = await startFsmrfBed();
    const fs = theBed().switches[0];
    assert.ok(fs);
    assert.deepEqual(fs.esl.commandsOf('inbound#1').map(summarize), ['auth ClueCon', 'event json HEARTBEAT', 'api sofia status']);
  });

  it('createEndpoint(offer) INVITEs the drachtio_mrf profile and the channel connects back over ESL', async () => {
    bed = await startFsmrfBed();
    const { ep, ch, fs, lines } = await endpointOnChannel(theBed(), { remoteSdp: phoneOffer() });
    const invite = fs.sofia.requests.find((r) => r.method === 'INVITE');
    assert.ok(invite);
    assert.equal(invite.uri, `sip:drachtio@127.0.0.1:${fs.sofia.port}`);
    assert.match(invite.header('user-agent') ?? '', /^drachtio-fsmrf:[0-9a-f-]{36}$/);
    assert.match(invite.header('x-esl-outbound') ?? '', /^127\.0\.0\.1:\d+$/);
    assert.match(invite.body, /^m=audio 40000 RTP\/AVP 0 8 101$/m, 'fsmrf keeps PCMU, PCMA first in the offer');
    assert.equal(ep.id, ch.uuid, 'the endpoint is the FreeSWITCH channel');
    assert.equal(ep.localSdp, freeswitchSdp([0], 101), 'our answer is what FreeSWITCH answered');
    assert.deepEqual(lines(), ['connect', ENDPOINT_EVENTS, `filter Unique-ID ${ch.uuid}`, 'execute set codec_string=PCMU,PCMA']);
    assert.equal(theBed().port.activeEndpoints, 1);
  });

  it('codecs reorder the offer FreeSWITCH gets and set codec_string in that order', async () => {
    bed = await startFsmrfBed();
    const { fs, lines } = await endpointOnChannel(theBed(), { remoteSdp: phoneOffer(), codecs: ['PCMA', 'PCMU'] });
    assert.match(fs.sofia.requests[0]?.body ?? '', /^m=audio 40000 RTP\/AVP 8 0 101$/m);
    assert.equal(lines()[3], 'execute set codec_string=PCMA,PCMU');
  });

  it('createEndpoint() without an offer lets FreeSWITCH offer (3pcc); modify(answer) completes it with a re-INVITE', async () => {
    bed = await startFsmrfBed();
    const { ep, ch, fs, lines, mark } = await endpointOnChannel(theBed(), {});
    const invite = fs.sofia.requests.find((r) => r.method === 'INVITE');
    assert.equal(invite?.body, '', 'no SDP in the INVITE');
    assert.equal(ep.localSdp, freeswitchSdp([0, 8], 101), 'our offer is the one FreeSWITCH made');
    assert.deepEqual(lines(), ['connect', ENDPOINT_EVENTS, `filter Unique-ID ${ch.uuid}`], 'no codec_string without an offer');
    const from = mark();
    const answer = phoneOffer('0 101');
    const after = await ep.modify(answer);
    const reinvite = fs.sofia.requests.filter((r) => r.method === 'INVITE')[1];
    assert.equal(reinvite?.body, answer);
    assert.equal(after, freeswitchSdp([0], 101));
    assert.deepEqual(lines(from), [`api uuid_set_media_stats ${ch.uuid}`, `api uuid_dump ${ch.uuid}`]);
  });

  it('modify(new offer) re-INVITEs FreeSWITCH and returns its answer; a 488 is MEDIA_NO_COMMON_CODEC', async () => {
    bed = await startFsmrfBed();
    const { ep, fs } = await endpointOnChannel(theBed());
    assert.equal(await ep.modify(phoneOffer('8 101')), freeswitchSdp([8], 101));
    assert.equal(ep.localSdp, freeswitchSdp([8], 101));
    await assert.rejects(ep.modify(phoneOffer('18')), code('MEDIA_NO_COMMON_CODEC'));
    assert.equal(fs.sofia.requests.filter((r) => r.method === 'INVITE').length, 3);
  });

  it('an offer FreeSWITCH answers with 488 rejects with MEDIA_NO_COMMON_CODEC and leaves nothing behind', async () => {
    bed = await startFsmrfBed();
    await assert.rejects(theBed().port.createEndpoint({ remoteSdp: phoneOffer('18') }), code('MEDIA_NO_COMMON_CODEC'));
    assert.equal(theBed().port.activeEndpoints, 0);
    assert.equal(theBed().switches[0]?.channels.length, 0);
  });

  it('an SRTP offer is refused before any INVITE (fsmrf would assert on it)', async () => {
    bed = await startFsmrfBed();
    const srtp = phoneOffer().replace('RTP/AVP', 'RTP/SAVP');
    await assert.rejects(theBed().port.createEndpoint({ remoteSdp: srtp }), code('MEDIA_NO_COMMON_CODEC'));
    assert.equal(theBed().switches[0]?.sofia.requests.length, 0);
  });

  it('a channel that never connects back over ESL fails with MEDIA_ENDPOINT_FAILED after fsmrf\'s 4 s, and is BYEd', async () => {
    bed = await startFsmrfBed();
    const fs = theBed().switches[0];
    assert.ok(fs);
    fs.connectChannels = false;
    await assert.rejects(theBed().port.createEndpoint({ remoteSdp: phoneOffer() }), code('MEDIA_ENDPOINT_FAILED'));
    await until(() => fs.sofia.requests.some((r) => r.method === 'BYE'), 2_000, 'the BYE of the abandoned dialog');
    assert.equal(theBed().port.activeEndpoints, 0);
  });

  it('destroy() executes hangup, waits for FreeSWITCH\'s BYE, resolves `closed` and is idempotent', async () => {
    bed = await startFsmrfBed();
    const { ep, fs, lines, mark } = await endpointOnChannel(theBed());
    const from = mark();
    await ep.destroy();
    await ep.closed;
    assert.deepEqual(lines(from), ['execute hangup']);
    assert.equal(theBed().port.activeEndpoints, 0);
    await ep.destroy();
    assert.deepEqual(lines(from), ['execute hangup'], 'a second destroy() sends nothing');
    assert.equal(fs.sofia.requests.filter((r) => r.method === 'BYE').length, 0, 'FreeSWITCH sent the BYE, not us');
    await assert.rejects(ep.play('/x.wav'), code('MEDIA_ENDPOINT_GONE'));
  });

  it('destroy() sends its own BYE when FreeSWITCH does not hang up in time', async () => {
    bed = await startFsmrfBed(1, { destroyTimeoutMs: 300 });
    const { ep, ch, fs } = await endpointOnChannel(theBed());
    ch.hangupOnExecute = false;
    await ep.destroy();
    await until(() => fs.sofia.requests.some((r) => r.method === 'BYE'), 2_000, 'our BYE');
    await ep.closed;
  });

  it('FreeSWITCH hanging up (CHANNEL_CALLSTATE HANGUP, BYE) resolves `closed` and ends a play in progress', async () => {
    bed = await startFsmrfBed();
    const { ep, ch } = await endpointOnChannel(theBed());
    const playing = ep.play('/sounds/long.wav');
    await ch.waitForExecute('playback');
    ch.hangup('NORMAL_CLEARING');
    await ep.closed;
    assert.deepEqual(await playing, { playedMs: 0, interrupted: true });
    assert.equal(theBed().port.activeEndpoints, 0);
  });

  it('a BYE from FreeSWITCH alone (no event) also closes the endpoint', async () => {
    bed = await startFsmrfBed();
    const { ep, fs } = await endpointOnChannel(theBed());
    const callId = fs.sofia.requests[0]?.callId ?? '';
    assert.equal(await fs.sofia.bye(callId), 200);
    await ep.closed;
  });

  it('losing the channel\'s ESL connection closes the endpoint', async () => {
    bed = await startFsmrfBed();
    const { ep, ch } = await endpointOnChannel(theBed());
    ch.drop();
    await ep.closed;
    assert.equal(theBed().port.activeEndpoints, 0);
  });

  it('close() destroys every endpoint and refuses new ones', async () => {
    bed = await startFsmrfBed();
    const a = await endpointOnChannel(theBed());
    const b = await endpointOnChannel(theBed());
    await theBed().port.close();
    await Promise.all([a.ep.closed, b.ep.closed]);
    assert.deepEqual([a.lines().at(-1), b.lines().at(-1)], ['execute hangup', 'execute hangup']);
    await assert.rejects(theBed().port.createEndpoint({ remoteSdp: phoneOffer() }), code('MEDIA_PORT_CLOSED'));
    const fs = theBed().switches[0];
    assert.ok(fs);
    await fs.esl.waitFor((c) => c.connection === 'inbound#1' && c.line === 'exit');
  });

  it('fsmrf pairs an ESL connection with its INVITE by the User-Agent id, and hangs up one it does not know', async () => {
    bed = await startFsmrfBed();
    const { fs } = await endpointOnChannel(theBed());
    const [host = '', port = ''] = (fs.sofia.requests[0]?.header('x-esl-outbound') ?? '').split(':');
    const stray = await FakeChannel.open(fs.esl, { host, port: Number(port) }, 'stray-uuid', { variable_sip_user_agent: 'drachtio-fsmrf:unknown' });
    const hangup = await fs.esl.waitFor((c) => c.connection === 'stray-uuid' && c.line.startsWith('sendmsg'));
    assert.equal(summarize(hangup), 'execute hangup NO_ROUTE_DESTINATION');
    await stray.ended;
    assert.equal(theBed().port.activeEndpoints, 1);
  });
});

describe('FsmrfMediaPort against two scripted FreeSWITCH event sockets (not real FreeSWITCH): choosing a server', function () {
  this.timeout(20_000);
  let bed: FsmrfBed | undefined;
  afterEach(async () => {
    await bed?.teardown();
    bed = undefined;
  });

  const serverOf = (b: FsmrfBed, id: string): number => b.switches.findIndex((s) => s.channels.some((c) => c.uuid === id));

  it('spreads endpoints round robin while loads are equal, then prefers the least loaded by HEARTBEAT', async () => {
    bed = await startFsmrfBed(2);
    const b = bed;
    const first = await endpointOnChannel(b);
    const second = await endpointOnChannel(b);
    assert.deepEqual([serverOf(b, first.ep.id), serverOf(b, second.ep.id)], [0, 1]);
    assert.equal(b.switches[0]?.esl.heartbeat({ sessionCount: 10, maxSessions: 1000 }), 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = await endpointOnChannel(b);
    const fourth = await endpointOnChannel(b);
    assert.deepEqual([serverOf(b, third.ep.id), serverOf(b, fourth.ep.id)], [1, 1], 'server 0 reports 10 sessions');
  });

  it('skips a server whose HEARTBEAT says it is full', async () => {
    bed = await startFsmrfBed(2);
    const b = bed;
    b.switches[1]?.esl.heartbeat({ sessionCount: 5, maxSessions: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const eps = [await endpointOnChannel(b), await endpointOnChannel(b), await endpointOnChannel(b)];
    assert.deepEqual(eps.map((e) => serverOf(b, e.ep.id)), [0, 0, 0]);
  });

  it('bridge() refuses endpoints on two different FreeSWITCH (uuid_bridge joins channels of one server)', async () => {
    bed = await startFsmrfBed(2);
    const a = await endpointOnChannel(bed);
    const b = await endpointOnChannel(bed);
    assert.notEqual(serverOf(bed, a.ep.id), serverOf(bed, b.ep.id));
    await assert.rejects(a.ep.bridge(b.ep), code('MEDIA_BAD_BRIDGE'));
    assert.ok(!a.lines().some((l) => l.startsWith('api uuid_bridge')));
  });
});
