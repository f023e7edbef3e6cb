/**
 * Admission control through what `linegate run` starts (startLineGate on a temp copy of
 * dialplans/example.yaml, overload section left to its defaults), the lag source injected
 * through LineGateOptions.lagSource: it reports a lag far over enterLagMs, so the guard
 * enters overload at its first 500 ms window on the real clock (no CPU is burnt).
 *
 * While overloaded: bob's phone still registers (REGISTER is never refused); a carrier call
 * to bob gets 503 + Retry-After: 5; bob's phone dials 911 (Digest-authenticated like any
 * device call) and the emergency trunk gets it with the PIDF-LO; the metrics say so.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/run-overload.test.ts
 */
import assert from 'node:assert/strict';
import type { LagReading, LagSource } from '../../src/b2bua/call/index.js';
import { createRegistry } from '../../src/observability/index.js';
import { UdpSipClient } from '../helpers/udp-sip-client.js';
import { demoPassword, useExampleApp } from './run-bed.js';
import { until, useTestBed } from './test-bed.js';
import { DeviceCall, SILENT_OFFER as SDP, statusOf } from './device-call.js';
import { VoicemailPhone } from './voicemail-phone.js';

class HighLag implements LagSource {
  closed = false;
  read(): LagReading {
    return { meanMs: 400, maxMs: 900 };
  }
  close(): void {
    this.closed = true;
  }
}

function carrierInvite(client: UdpSipClient, sipPort: number): string {
  const uri = `sip:+14155550101@127.0.0.1:${sipPort}`;
  return [
    `INVITE ${uri} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=z9hG4bK-carrier-${client.port};rport`, 'Max-Forwards: 70',
    'From: <sip:+14155550177@127.0.0.1>;tag=carrier', `To: <${uri}>`, `Call-ID: carrier-${client.port}@127.0.0.1`, 'CSeq: 1 INVITE',
    `Contact: <sip:+14155550177@127.0.0.1:${client.port}>`, 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(SDP)}`, '', SDP,
  ].join('\r\n');
}

describe('linegate run: overload (lag source injected through startLineGate)', function () {
  this.timeout(30_000);
  // Before useTestBed's hooks: the app's srf leaves before the TestBed closes the engine.
  const example = useExampleApp(() => bed(), 'run-overload');
  const { closers } = example;
  const bed = useTestBed();

  it('REGISTER passes, a carrier call gets 503 + Retry-After, bob\'s 911 reaches the emergency trunk; metrics follow', async () => {
    const trunk = await bed().sipp({ scenario: 'b2bua-uas-expect-pidf-lo-answer.xml' });
    const registry = createRegistry();
    const lag = new HighLag();
    const { app, sipPort } = await example.start({
      registry, lagSource: lag,
      edit: (yaml) => {
        const edited = yaml.replace('uri: sip:127.0.0.1:5080', `uri: sip:127.0.0.1:${trunk.port}`);
        assert.ok(edited.includes(`sip:127.0.0.1:${trunk.port}`) && !/^overload:/m.test(edited), 'the trunk is the sipp UAS; overload is the default');
        return edited;
      },
    });
    assert.deepEqual(app.dialplan.overload, { enabled: true, enterLagMs: 150, leaveLagMs: 50, retryAfterS: 5 });
    let metrics = '';
    await until(() => /^linegate_overloaded 1$/m.test(metrics), 3000, 'linegate_overloaded 1', async () => { metrics = await registry.metrics(); });

    const phone = await VoicemailPhone.open(sipPort, 'bob', demoPassword('bob'));
    closers.push(() => phone.close());
    assert.equal(await phone.register('127.0.0.1'), 200, 'REGISTER is never refused for overload');

    const carrier = await UdpSipClient.open();
    closers.push(() => carrier.close());
    const refused = await carrier.request(carrierInvite(carrier, sipPort), sipPort);
    assert.equal(`${refused.status} ${refused.reason}`, '503 Service Unavailable (overload)');
    assert.deepEqual(refused.all('Retry-After'), ['5']);

    const device = await DeviceCall.open(sipPort, 'bob');
    closers.push(() => device.close());
    const uri = 'sip:911@127.0.0.1';
    assert.equal(statusOf(await device.invite(uri, demoPassword('bob'))), 200, 'the emergency trunk answered');
    assert.equal(await device.bye(uri), 200);
    const run = await trunk.done;
    assert.equal(run.code, 0, run.output);

    metrics = await registry.metrics();
    assert.match(metrics, /^linegate_overloaded 1$/m);
    assert.match(metrics, /^linegate_calls_refused_overload_total 1$/m);
    assert.match(metrics, /^linegate_event_loop_lag_seconds 0\.4$/m);
    assert.match(metrics, /^linegate_call_decisions_total\{decision="reject-overload"\} 1$/m);
    assert.match(metrics, /^linegate_call_decisions_total\{decision="emergency"\} 1$/m);
    await app.close(); // before the test ends: afterEach's close() is then a no-op (idempotent)
    assert.equal(lag.closed, true, 'close() closes the guard and its source');
  });
});
