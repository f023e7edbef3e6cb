/**
 * Click-to-call end to end through the control API (RFC 3725 §4.1 flow I): the HTTP
 * request rings alice's device (sipp UAS), which answers with an offer; the destination
 * (sipp as the trunk) gets that offer and answers; the device gets the answer in its ACK.
 * Notes added over the API during and after the call continue the call's event seq. A device
 * whose 200 has no Contact cannot be connected: the stored call.ended says internal-error.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 test/integration/b2bua-click-to-call.test.ts
 */
import assert from 'node:assert/strict';
import { ControlServer } from '../../src/b2bua/control/index.js';
import type { EventLog } from '../../src/events/index.js';
import { useTestBed, until } from './test-bed.js';
import { startShellBed, testDialplan } from './b2bua-bed.js';
import type { ShellBed } from './b2bua-bed.js';
import type { SippRun } from '../helpers/sipp.js';

const TOKEN = 'click-to-call-test-token';

async function passes(run: SippRun): Promise<void> {
  const r = await run.done;
  assert.equal(r.code, 0, r.output);
}

async function api(server: ControlServer, method: string, path: string, body?: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const { address, port } = server.address();
  const res = await fetch(`http://${address}:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('b2bua: click-to-call through the control API', function () {
  this.timeout(20_000);
  const bed = useTestBed();
  let sb: ShellBed | undefined;
  let server: ControlServer | undefined;
  afterEach(async () => {
    await server?.close();
    await sb?.store.close();
    sb = undefined;
    server = undefined;
  });

  async function start(trunkPort: number): Promise<{ sb: ShellBed; server: ControlServer }> {
    sb = await startShellBed(bed(), () => testDialplan(trunkPort));
    // The test sink only has append, which is all the API's annotations use.
    const events = sb.events as unknown as EventLog;
    server = new ControlServer({ address: '127.0.0.1', port: 0, token: { reveal: () => TOKEN }, dialplan: sb.dialplan, store: sb.store, events, calls: sb.shell });
    await server.start();
    return { sb, server };
  }

  it('rings the device, calls the destination with its offer, connects them; notes during and after continue the seq', async () => {
    const destination = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
    const { sb, server } = await start(destination.port);
    const device = await bed().sipp({ scenario: 'b2bua-uas-device-click-to-call.xml' });
    sb.registrar.add('alice', device.port, 'desk');

    const started = await api(server, 'POST', '/click-to-call', { userId: 'alice', destination: '+14155550123', opportunityId: 'opp-42' });
    assert.equal(started.status, 202, JSON.stringify(started.json));
    const callId = String(started.json['callId']);
    await until(() => sb.events.ofCall(callId).some((e) => e.type === 'call.answered'), 5000, 'call.answered')
      .catch(async (e: unknown) => {
        device.kill(); // its output says why it did not answer
        assert.fail(`${String(e)}: ${JSON.stringify(sb.events.ofCall(callId))} ${(await device.done).output}`);
      });

    const during = await api(server, 'POST', `/calls/${callId}/notes`, { userId: 'alice', text: 'asked for a quote' });
    assert.equal(during.status, 201, JSON.stringify(during.json));
    await passes(device);
    await passes(destination);
    await until(() => sb.shell.activeCalls() === 0 && sb.events.ofCall(callId).some((e) => e.type === 'call.ended'), 5000, 'call.ended');
    // The last seq is recorded once the call settles; a note now goes through the API's own path.
    let recorded: unknown;
    await until(() => recorded !== undefined, 2000, 'last seq recorded', async () => {
      recorded = (await sb.store.listRecentCalls('alice')).find((c) => c.callId === callId)?.lastSeq;
    });
    assert.equal(recorded, 6);
    assert.equal(await sb.store.kvGet(`call-seq:${callId}`), undefined, 'no key per call any more');
    const after = await api(server, 'POST', `/calls/${callId}/notes`, { userId: 'alice', text: 'sent the quote' });
    assert.equal(after.status, 201, JSON.stringify(after.json));

    const events = sb.events.ofCall(callId);
    assert.deepEqual(events.map((e) => e.type),
      ['call.started', 'opportunity.tagged', 'call.ringing', 'call.answered', 'note.added', 'call.ended', 'note.added']);
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
    const first = events[0]!;
    assert.ok(first.type === 'call.started' && first.direction === 'outbound' && first.from === '+14155550100' && first.to === '+14155550123');
    const ended = events[5]!;
    assert.ok(ended.type === 'call.ended' && ended.disposition === 'answered' && ended.hungUpBy === 'caller', JSON.stringify(ended));
    assert.equal((await sb.store.getCounter('calls.user', 'alice')).value, 0);
    assert.equal((await sb.store.getCounter('calls.trunk', 'carrier')).value, 0);

    const recent = await api(server, 'GET', '/users/alice/calls');
    const calls = recent.json['calls'] as Array<Record<string, unknown>>;
    const summary = calls.find((c) => c['callId'] === callId);
    assert.ok(summary, JSON.stringify(recent.json));
    assert.equal(summary['status'], 'answered');
    assert.equal(summary['hasNotes'], true);
    assert.equal(summary['opportunityId'], 'opp-42');
  });

  it('the legs cannot be connected (the device\'s 200 has no Contact): the destination gets BYE, call.ended says internal-error', async () => {
    // A real failure, not a mock: srf ACKs the device with the destination's answer, then
    // refuses to make a dialog without a Contact, so ClickToCallSession's ack() rejects.
    const destination = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
    const { sb, server } = await start(destination.port);
    const device = await bed().sipp({ scenario: 'b2bua-uas-device-click-to-call-200-without-contact.xml' });
    sb.registrar.add('alice', device.port, 'desk');

    const started = await api(server, 'POST', '/click-to-call', { userId: 'alice', destination: '+14155550123' });
    assert.equal(started.status, 202, JSON.stringify(started.json));
    const callId = String(started.json['callId']);
    await passes(device);
    await passes(destination); // its scenario ends with the BYE it expects
    await until(() => sb.shell.activeCalls() === 0 && sb.events.ofCall(callId).some((e) => e.type === 'call.ended'), 5000, 'call.ended');

    // The events went through parseCallEvent (b2bua-bed.ts MemoryEvents), which drops a reason it does not know.
    const events = sb.events.ofCall(callId);
    assert.deepEqual(events.map((e) => e.type), ['call.started', 'call.ringing', 'call.ended'], JSON.stringify(events));
    const ended = events[2]!;
    assert.ok(ended.type === 'call.ended', JSON.stringify(ended));
    assert.deepEqual(
      { disposition: ended.disposition, hungUpBy: ended.hungUpBy, sipStatus: ended.sipStatus, reason: ended.reason, durationS: ended.durationS },
      { disposition: 'failed', hungUpBy: 'system', sipStatus: 500, reason: 'internal-error', durationS: 0 },
    );
    assert.equal((await sb.store.getCounter('calls.user', 'alice')).value, 0);
  });

  it('no registered device: the API answers 502 CALL_CONTROL_FAILED and no call is logged', async () => {
    const { sb, server } = await start(9);
    const r = await api(server, 'POST', '/click-to-call', { userId: 'alice', destination: '+14155550123' });
    assert.equal(r.status, 502, JSON.stringify(r.json));
    assert.equal(sb.events.events.length, 0);
    assert.equal(sb.shell.activeCalls(), 0);
  });
});
