/**
 * sipp UAC → engine → minimal drachtio-srf B2BUA → sipp UAS. The engine is started
 * outside the runner (drachtio-server, or the embedded engine once it has its own
 * entry point) and named on the command line:
 *   --sip HOST:PORT        where the engine receives SIP (the UAC's target; required)
 *   --drachtio HOST:PORT   its wire-protocol socket (default 127.0.0.1:9022)
 *   --secret S             its shared secret (default cymru)
 *   --engine-pid N         sample the engine's RSS/CPU too
 * The B2BUA runs as a child process so that its RSS and CPU are measured apart.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario, ScenarioContext, SystemUnderTest } from '../lib/index.js';
import { startChildApp } from './child-app.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const appFile = join(repoRoot, 'load-tests', 'apps', 'minimal-b2bua.ts');

async function setup(ctx: ScenarioContext): Promise<SystemUnderTest> {
  const { sip, drachtio = '127.0.0.1:9022', secret = 'cymru', enginePid } = ctx.options;
  if (!sip) throw new Error('drachtio-b2bua needs --sip HOST:PORT, the engine\'s SIP address (see load-tests/README.md)');
  const [host = '127.0.0.1', port = '9022'] = drachtio.split(':');
  // The B leg must use the run's transport: sipp's UAS listens on one transport only.
  const target = ctx.transport === 'tcp' ? `${ctx.uas.uri};transport=tcp` : ctx.uas.uri;
  ctx.log(`drachtio-b2bua: B2BUA -> ${drachtio}, B legs to ${target}`);
  const app = await startChildApp(appFile, ['--host', host, '--port', port, '--secret', secret, '--target', target], {
    cwd: repoRoot, readyLine: 'ready', timeoutMs: 15_000,
  });
  return {
    target: sip,
    pids: enginePid === undefined ? [app.pid] : [enginePid, app.pid],
    labels: { [app.pid]: 'minimal-b2bua', ...(enginePid === undefined ? {} : { [enginePid]: 'engine' }) },
    teardown: () => app.stop(),
  };
}

export const drachtioB2bua: Scenario = {
  name: 'drachtio-b2bua',
  description: 'sipp uac -> running engine (--sip) -> minimal-b2bua (drachtio-srf) -> sipp uas',
  uacXml: 'uac-invite-200-bye-expect-ok.xml',
  uasXml: 'uas-answer-200-expect-bye.xml',
  tcp: { uasXml: 'uas-answer-200-expect-bye-tcp.xml' },
  defaults: { rate: 50, durationS: 30, callLengthMs: 1000 },
  setup,
};
