/**
 * Issue #5, voicemail retrieval by phone through the whole app: startLineGate on a temp copy
 * of dialplans/example.yaml (prompts and RTP ports changed), the engine from the TestBed,
 * the control API on port 0, LINEGATE_CRM=off.
 *
 * bob's phone registers and subscribes to message-summary; with DND on, a carrier caller
 * (raw SIP + RtpPeer) leaves three known tones. Then bob's device dials the dialplan's
 * retrievalCode (`*98`), Digest-authenticated like any call from a device: it hears "You
 * have 1 new message" (each prompt found in what it received by cross-correlation), presses
 * 1 (RFC 4733), and hears the message's tones in order; message waiting then goes to `no`.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-media-retrieval.test.ts
 */
import assert from 'node:assert/strict';
import { crossCorrelate } from '../../src/media/dsp/index.js';
import { RtpPeer } from '../helpers/rtp-peer.js';
import { controlApi, demoPassword, useExampleApp, usePrompts, type StartedExampleApp } from './run-bed.js';
import { until, useTestBed } from './test-bed.js';
import { awaitQuiet, awaitToneThenQuiet, knownSignal, promptPcm, signalToneRuns, SIGNAL_TONES } from './voicemail-bed.js';
import { DeviceCall, statusOf } from './device-call.js';
import { VoicemailPhone } from './voicemail-phone.js';

describe('b2bua: voicemail retrieval (*98) from a registered device through `linegate run` (issue #5)', function () {
  this.timeout(50_000);
  // Before useTestBed's hooks: the app's srf leaves before the TestBed closes the engine.
  const run = useExampleApp(() => bed(), 'media-retrieval');
  const { closers } = run;
  const prompts = usePrompts('media-retrieval');
  const bed = useTestBed();

  async function startApp(): Promise<StartedExampleApp & { retrievalCode: string }> {
    const started = await run.start({ promptsDir: prompts() });
    const vm = started.app.dialplan.voicemail;
    const retrievalCode = vm?.service === 'internal' ? vm.retrievalCode : undefined;
    assert.equal(retrievalCode, '*98', 'the example\'s retrieval code');
    return { ...started, retrievalCode };
  }

  function api(method: string, urlPath: string, body?: unknown): Promise<Response> {
    const app = run.current();
    assert.ok(app, 'the app is started');
    return controlApi(app, method, urlPath, body);
  }

  async function opened<T extends { close(): Promise<void> }>(x: Promise<T>): Promise<T> {
    const it = await x;
    closers.push(() => it.close());
    return it;
  }

  it('bob dials *98: hears "You have 1 new message", presses 1, hears the message\'s tones; MWI goes to no', async () => {
    const { sipPort, retrievalCode } = await startApp();
    const bob = await opened(VoicemailPhone.open(sipPort, 'bob', demoPassword('bob')));
    assert.equal(await bob.register('127.0.0.1'), 200);
    const subscribed = await bob.subscribe('127.0.0.1', 600);
    assert.ok(subscribed === 200 || subscribed === 202, `SUBSCRIBE answered ${subscribed}`);
    const dnd = await api('PUT', '/users/bob/dnd', { enabled: true, version: 0 });
    assert.equal(dnd.status, 200, await dnd.clone().text());

    // A carrier caller leaves the known signal.
    const callerPeer = await opened(RtpPeer.start());
    const caller = await opened(VoicemailPhone.open(sipPort, 'carrier', ''));
    const t0 = performance.now();
    callerPeer.useRemoteSdp(await caller.invite(`sip:+14155550101@127.0.0.1:${sipPort}`, '+14155550177', callerPeer.sdp()));
    await awaitToneThenQuiet(callerPeer, 1000, t0);
    await callerPeer.sendPcm(knownSignal());
    assert.equal(await caller.bye(), 200);
    await until(() => bob.waitingStates().at(-1) === 'yes', 10_000, 'NOTIFY Messages-Waiting: yes');

    // bob's device calls its mailbox: no PIN, the INVITE's Digest says who it is.
    const peer = await opened(RtpPeer.start());
    const device = await opened(DeviceCall.open(sipPort, 'bob'));
    const uri = `sip:${retrievalCode}@127.0.0.1`;
    const answeredAt = performance.now();
    const answered = await device.invite(uri, demoPassword('bob'), peer.sdp());
    assert.equal(statusOf(answered), 200, `INVITE ${uri} answered ${answered.start}`);
    peer.useRemoteSdp(answered.body);
    const count = ['you-have', 'digit-1', 'new-message'].map((name) => ({ name, pcm: promptPcm(prompts(), name) }));
    const countMs = count.reduce((n, p) => n + p.pcm.length / 8, 0);
    await until(() => peer.receivedPcm(answeredAt).length >= (countMs + 300) * 8, 10_000, 'the count prompt');
    const heardCount = peer.receivedPcm(answeredAt).subarray(0, (countMs + 1500) * 8);
    let lastLag = -Infinity;
    for (const p of count) {
      const match = crossCorrelate(p.pcm, heardCount, heardCount.length);
      assert.ok(match.coefficient > 0.8, `"${p.name}" heard (correlation ${match.coefficient.toFixed(2)} at ${match.lag})`);
      assert.ok(match.lag > lastLag, `"${p.name}" after the prompt before it`);
      lastLag = match.lag;
    }

    const pressed = performance.now();
    await peer.sendDigits('1');
    await until(() => signalToneRuns(peer.receivedPcm(pressed)).length >= 3, 15_000, 'the message played back');
    await awaitQuiet(peer, 150, 3000).catch(() => undefined); // the menu prompt may follow at once
    const heard = peer.receivedPcm(pressed);
    assert.deepEqual(signalToneRuns(heard).slice(0, 3), [...SIGNAL_TONES], 'the deposited tones, in order');
    const match = crossCorrelate(knownSignal(), heard, Math.min(heard.length, 8000 * 4));
    assert.ok(match.coefficient > 0.9, `the message itself (correlation ${match.coefficient.toFixed(3)} at ${match.lag})`);

    await until(() => bob.waitingStates().at(-1) === 'no', 5000, 'NOTIFY Messages-Waiting: no');
    const listed = (await (await api('GET', '/users/bob/voicemail')).json()) as { new: number; old: number };
    assert.deepEqual([listed.new, listed.old], [0, 1]);
    assert.equal(await device.bye(uri), 200);
  });
});
