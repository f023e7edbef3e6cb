/**
 * `linegate run` on FreeSWITCH (issue #5, production media): a dialplan whose
 * `media.freeswitch` lists a server makes startLineGate use FsmrfMediaPort instead of the
 * embedded endpoint, connected before calls arrive. The server is the scripted event socket
 * of test/contract/media-fsmrf-bed.ts (not a real FreeSWITCH: it cannot run here), so this
 * checks the composition — which port is built, that it logs in and asks `sofia status` —
 * and, through the MediaPort, that an endpoint is created on it.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/integration/b2bua-media-freeswitch.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parse, stringify } from 'yaml';
import { readEngineFlags } from '../../src/config/index.js';
import { startLineGate } from '../../src/main.js';
import type { RunningLineGate } from '../../src/main.js';
import { EmbeddedMediaPort, FsmrfMediaPort } from '../../src/media/index.js';
import { FakeFreeswitch, phoneOffer } from '../contract/media-fsmrf-bed.js';
import { SECRET, useTestBed } from './test-bed.js';

/** The example dialplan with `media.freeswitch` added (or not). */
function dialplanWith(dir: string, freeswitch: unknown): string {
  const doc = parse(readFileSync('dialplans/example.yaml', 'utf8')) as { media?: Record<string, unknown> };
  if (freeswitch !== undefined) doc.media = { ...doc.media, freeswitch };
  const file = path.join(dir, 'dialplan.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

describe('b2bua: `linegate run` picks its MediaPort from the dialplan (embedded, or FreeSWITCH via drachtio-fsmrf)', function () {
  this.timeout(30_000);
  let app: RunningLineGate | undefined;
  let fs: FakeFreeswitch | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await fs?.stop();
    fs = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const bed = useTestBed();

  async function start(freeswitch: unknown): Promise<RunningLineGate> {
    const eut = await bed().startEngine();
    const flags = readEngineFlags(['--address', '127.0.0.1', '--port', String(eut.engine.wireAddress().port), '--secret', SECRET]);
    assert.ok(flags.ok);
    dir = mkdtempSync(path.join(tmpdir(), 'linegate-fs-run-'));
    const running = await startLineGate({
      flags: flags.flags, engine: eut.engine, log: pino({ level: 'silent' }), varDir: dir, dialplanPath: dialplanWith(dir, freeswitch),
      env: { LINEGATE_CRM: 'off', LINEGATE_CONTROL_ADDRESS: '127.0.0.1', LINEGATE_CONTROL_PORT: '0' },
    });
    assert.ok(running, 'the dialplan loads');
    return running;
  }

  it('with media.freeswitch: an FsmrfMediaPort, logged in to the event socket, creating endpoints there', async () => {
    fs = await FakeFreeswitch.start();
    app = await start([{ address: '127.0.0.1', port: fs.esl.port, listenAddress: '127.0.0.1' }]);
    const media = app.media.media;
    assert.ok(media instanceof FsmrfMediaPort, `expected FsmrfMediaPort, got ${media.constructor.name}`);
    const asked = await fs.esl.waitFor((c) => c.line === 'api sofia status');
    assert.match(asked.connection, /^inbound#/);
    const ep = await media.createEndpoint({ remoteSdp: phoneOffer() });
    assert.match(ep.localSdp, /^m=audio \d+ RTP\/AVP/m, 'the endpoint answers with FreeSWITCH\'s SDP');
    assert.equal(media.activeEndpoints, 1);
    await ep.destroy();
  });

  it('without it: the embedded endpoint', async () => {
    app = await start(undefined);
    assert.ok(app.media.media instanceof EmbeddedMediaPort);
  });
});
