/**
 * What `make run` starts (startLineGate on dialplans/example.yaml, with the demo secrets)
 * brings up the control API with the published demo token, and click-to-call works
 * through it: alice and bob register with Digest (their Contacts are sipp UAS), the API
 * call rings alice's device, which answers with an offer, then calls bob (extension 101),
 * who answers; alice's device hangs up. Ports come from port 0 (engine from the TestBed,
 * control API through LINEGATE_CONTROL_PORT=0), the store and event log under a temp dir.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 test/integration/b2bua-make-run.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { readEngineFlags } from '../../src/config/index.js';
import { startLineGate } from '../../src/main.js';
import type { RunningLineGate } from '../../src/main.js';
import { demoSecret, registerAt } from './run-bed.js';
import { SECRET, until, useTestBed } from './test-bed.js';

const TOKEN_ENV = 'LINEGATE_DEMO_CONTROL_TOKEN';

describe('b2bua: `make run` (startLineGate on the example dialplan) with the control API', function () {
  this.timeout(30_000);
  let app: RunningLineGate | undefined;
  let varDir: string | undefined;
  // Registered before useTestBed's: mocha runs afterEach hooks in order, and the app's srf
  // must leave before the TestBed closes the engine (srf reconnects to a server that left).
  afterEach(async () => {
    await app?.close();
    app = undefined;
    if (varDir) rmSync(varDir, { recursive: true, force: true });
    varDir = undefined;
  });
  const bed = useTestBed();

  it('starts the control API with the demo token; click-to-call from alice to extension 101 connects', async () => {
    const eut = await bed().startEngine();
    const flags = readEngineFlags(['--address', '127.0.0.1', '--port', String(eut.engine.wireAddress().port), '--secret', SECRET]);
    assert.ok(flags.ok);
    varDir = mkdtempSync(path.join(tmpdir(), 'linegate-run-'));
    app = await startLineGate({
      flags: flags.flags, engine: eut.engine, log: pino({ level: 'silent' }), varDir,
      env: { LINEGATE_CONTROL_ADDRESS: '127.0.0.1', LINEGATE_CONTROL_PORT: '0' },
    });
    assert.ok(app, 'the example dialplan loads');
    assert.equal(app.dialplan.file, 'dialplans/example.yaml');
    const control = app.controlApi;
    assert.ok(control, 'the example dialplan has a controlApi section');
    assert.equal(control.tokenEnv, TOKEN_ENV);
    assert.match(control.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const token = demoSecret(TOKEN_ENV);
    assert.equal(app.dialplan.controlApi?.token.reveal(), token);

    const unauthorized = await fetch(`${control.url}/users/alice/calls`);
    assert.equal(unauthorized.status, 401);

    const aliceDevice = await bed().sipp({ scenario: 'b2bua-uas-device-click-to-call-to-101.xml' });
    const bobDevice = await bed().sipp({ scenario: 'uas-answer-expect-bye.xml' });
    const sipPort = Number(eut.udp.split(':')[1]);
    for (const [user, device] of [['alice', aliceDevice], ['bob', bobDevice]] as const) {
      await registerAt(sipPort, user, `sip:${user}@127.0.0.1:${device.port}`);
    }

    const res = await fetch(`${control.url}/click-to-call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', destination: '101' }),
    });
    const started = (await res.json()) as { callId?: string };
    assert.equal(res.status, 202, JSON.stringify(started));
    for (const [label, run] of [['alice', aliceDevice], ['bob', bobDevice]] as const) {
      const r = await run.done;
      assert.equal(r.code, 0, `${label}'s device\n${r.output}`);
    }
    const running = app;
    await until(() => running.shell.activeCalls() === 0, 5000, 'the call to end');
    const recent = await fetch(`${control.url}/users/alice/calls`, { headers: { authorization: `Bearer ${token}` } });
    const { calls } = (await recent.json()) as { calls: Array<Record<string, unknown>> };
    const call = calls.find((c) => c['callId'] === started.callId);
    assert.ok(call, JSON.stringify(calls));
    assert.deepEqual([call['direction'], call['otherParty'], call['status']], ['outbound', '101', 'answered']);
  });
});
