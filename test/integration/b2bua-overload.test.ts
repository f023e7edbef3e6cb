/**
 * Admission control through the CallShell on the embedded engine (docs/dialplan.md
 * "Overload"): the shell is given a real OverloadGuard whose lag source and clock the test
 * drives (no CPU is burnt to make the loop lag). While overloaded, a trunk call gets
 * `503 Service Unavailable (overload)` + `Retry-After: 5` and ends `blocked`; a device's
 * ordinary call is refused too while its 911 reaches the emergency trunk with its PIDF-LO;
 * calls already admitted go on (CANCEL of a ringing call, BYE of an answered one); once the
 * lag is gone, calls are decided as usual again.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-overload.test.ts
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { OverloadGuard } from '../../src/b2bua/call/index.js';
import type { LagReading, LagSource } from '../../src/b2bua/call/index.js';
import type { CallEvent } from '../../src/events/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import type { SippRun } from '../helpers/sipp.js';
import { UdpSipClient } from '../helpers/udp-sip-client.js';
import type { SipReply } from '../helpers/udp-sip-client.js';
import { startShellBed, testDialplan } from './b2bua-bed.js';
import type { ShellBed } from './b2bua-bed.js';
import { until, useTestBed } from './test-bed.js';

type Ended = Extract<CallEvent, { type: 'call.ended' }>;

/** The lag the guard reads at the end of each window: whatever the test set last. */
class SetLag implements LagSource {
  meanMs = 0;
  read(): LagReading {
    return { meanMs: this.meanMs, maxMs: this.meanMs };
  }
  close(): void {}
}

/** A started guard with the dialplan defaults (enter 150 ms, leave 50 ms), on a FakeClock. */
class DrivenGuard {
  readonly clock = new FakeClock();
  readonly lag = new SetLag();
  readonly guard = new OverloadGuard({ enterLagMs: 150, leaveLagMs: 50, source: this.lag, clock: this.clock, logger: pino({ level: 'silent' }) });

  constructor() {
    this.guard.start();
  }

  enter(): void {
    this.lag.meanMs = 400;
    this.clock.advance(500);
    assert.equal(this.guard.isOverloaded(), true);
  }

  leave(): void {
    this.lag.meanMs = 2;
    this.clock.advance(1000);
    assert.equal(this.guard.isOverloaded(), false);
  }
}

let seq = 0;

/** An INVITE from 127.0.0.1 (a trunk source in testDialplan); From a domain user makes it a device's. */
function invite(client: UdpSipClient, target: string, to: string, fromUser: string): string {
  const callId = `overload-${client.port}-${++seq}@127.0.0.1`;
  const sdp = ['v=0', 'o=raw 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
  return [
    `INVITE sip:${to}@${target} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=z9hG4bK-ov-${seq};rport`, 'Max-Forwards: 70',
    `From: <sip:${fromUser}@127.0.0.1>;tag=ov${seq}`, `To: <sip:${to}@${target}>`, `Call-ID: ${callId}`, 'CSeq: 1 INVITE',
    `Contact: <sip:${fromUser}@127.0.0.1:${client.port}>`, 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp,
  ].join('\r\n');
}

function assertOverload503(reply: SipReply): void {
  assert.equal(reply.status, 503);
  assert.equal(reply.reason, 'Service Unavailable (overload)');
  assert.deepEqual(reply.all('Retry-After'), ['5']);
}

async function passes(run: SippRun): Promise<void> {
  const r = await run.done;
  assert.equal(r.code, 0, r.output);
}

function ended(sb: ShellBed): Ended[] {
  return sb.events.ended() as Ended[];
}

describe('b2bua: overload (admission control)', function () {
  this.timeout(20_000);
  const bed = useTestBed();
  let sb: ShellBed | undefined;
  let client: UdpSipClient | undefined;
  let driven: DrivenGuard | undefined;
  afterEach(async () => {
    await client?.close();
    driven?.guard.close();
    assert.equal(driven?.clock.pending() ?? 0, 0, 'the guard left no timer');
    await sb?.store.close();
    sb = undefined;
    client = undefined;
    driven = undefined;
  });

  async function start(trunkPort = 9): Promise<{ sb: ShellBed; client: UdpSipClient; g: DrivenGuard; port: number }> {
    driven = new DrivenGuard();
    const g = driven;
    sb = await startShellBed(bed(), () => testDialplan(trunkPort), { overload: g.guard });
    client = await UdpSipClient.open();
    return { sb, client, g, port: Number(sb.eut.udp.split(':')[1]) };
  }

  it('a trunk call gets 503 (overload) with Retry-After: 5 and ends blocked; after the overload it is decided again', async () => {
    const { sb, client, g, port } = await start();
    g.enter();
    assertOverload503(await client.request(invite(client, sb.eut.udp, '+14155550100', '+14155550199'), port));
    await until(() => ended(sb).length === 1 && sb.shell.activeCalls() === 0, 3000, 'call.ended');
    assert.deepEqual(ended(sb).map((e) => [e.disposition, e.sipStatus, e.reason]), [['blocked', 503, 'overload']]);
    assert.equal(g.guard.refusedTotal(), 1);

    g.leave();
    // alice has no device and no voicemail box here: unreachable → 480, as without overload.
    const after = await client.request(invite(client, sb.eut.udp, '+14155550100', '+14155550199'), port);
    assert.equal(after.status, 480, `${after.status} ${after.reason}`);
    assert.deepEqual(after.all('Retry-After'), []);
    await until(() => ended(sb).length === 2, 3000, 'second call.ended');
    assert.equal(ended(sb)[1]?.reason, 'unreachable', JSON.stringify(ended(sb)[1]));
    assert.equal(g.guard.refusedTotal(), 1);
  });

  it('a device\'s ordinary call is refused while its 911 reaches the emergency trunk with the PIDF-LO', async () => {
    const trunk = await bed().sipp({ scenario: 'b2bua-uas-expect-pidf-lo-answer.xml' });
    const { sb, client, g, port } = await start(trunk.port);
    g.enter();
    assertOverload503(await client.request(invite(client, sb.eut.udp, '+14155551234', 'alice'), port));
    await passes(await bed().sipp({ scenario: 'b2bua-uac-device-call-answered.xml', target: sb.eut.udp, service: '911', keys: { from_user: 'alice' } }));
    await passes(trunk);
    await until(() => ended(sb).length === 2 && sb.shell.activeCalls() === 0, 3000, 'both call.ended');
    assert.deepEqual(ended(sb).map((e) => [e.disposition, e.reason]), [['blocked', 'overload'], ['answered', undefined]]);
    assert.equal(sb.events.events.filter((e) => e.type === 'emergency.call').length, 1);
    assert.equal(g.guard.isOverloaded(), true, 'still overloaded throughout');
    assert.equal(g.guard.refusedTotal(), 1, 'the emergency call was not counted as refused');
  });

  it('a call ringing when the overload starts: its CANCEL reaches the device and the caller gets 487', async () => {
    const { sb, client, g, port } = await start();
    const desk = await bed().sipp({ scenario: 'uas-ring-then-expect-cancel-487.xml' });
    sb.registrar.add('alice', desk.port, 'desk');
    const caller = await bed().sipp({ scenario: 'uac-invite-cancel-1s-after-180-expect-487.xml', target: sb.eut.udp, service: '+14155550100' });
    await until(() => sb.events.events.some((e) => e.type === 'call.ringing'), 3000, 'call.ringing');
    g.enter(); // the caller CANCELs 1 s after its 180
    assertOverload503(await client.request(invite(client, sb.eut.udp, '+14155550100', '+14155550199'), port));
    for (const run of [caller, desk]) await passes(run);
    await until(() => ended(sb).length === 2 && sb.shell.activeCalls() === 0, 3000, 'both call.ended');
    assert.deepEqual(ended(sb).map((e) => e.disposition).sort(), ['blocked', 'missed']);
    assert.equal((await sb.store.getCounter('calls.user', 'alice')).value, 0);
  });

  it('a call answered before the overload: its BYE ends it as usual', async () => {
    const { sb, g } = await start();
    const desk = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
    sb.registrar.add('alice', desk.port, 'desk');
    const caller = await bed().sipp({ scenario: 'uac-invite-answered-send-bye-after-1s.xml', target: sb.eut.udp, service: '+14155550100' });
    await until(() => sb.events.events.some((e) => e.type === 'call.answered'), 3000, 'call.answered');
    g.enter(); // the caller hangs up 1 s after its ACK
    for (const run of [caller, desk]) await passes(run);
    await until(() => ended(sb).length === 1 && sb.shell.activeCalls() === 0, 3000, 'call.ended');
    const [only] = ended(sb);
    assert.equal(only?.disposition, 'answered');
    assert.equal(only?.hungUpBy, 'caller');
    assert.equal(g.guard.isOverloaded(), true);
  });
});
