/**
 * sipp UAC → embedded engine → minimal drachtio-srf B2BUA → sipp UAS, all started here:
 * the engine as its own process from dist/ (`bin/linegate engine`, rebuilt first when
 * src/ is newer), on ports it picks itself (port 0, read back from its "listening" log
 * line), then the B2BUA as a child process. Both are sampled apart (RSS, CPU) and both
 * are stopped at the end, the app first so that srf does not reconnect.
 *
 *   --engine-bin PATH   run another launcher (e.g. a build of an older commit)
 *   --engine-prof DIR   node --cpu-prof for the engine; the profile lands in DIR at exit
 *   --engine-node-options "…"  more node options for the engine (e.g. --trace-gc)
 *   --engine-log FILE   append the engine's stdout and stderr to FILE
 *   --no-build          run dist/ as it is
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDist, parseEngineListening, type EngineListening, type Scenario, type ScenarioContext, type SystemUnderTest } from '../lib/index.js';
import { startChildApp } from './child-app.js';
import { startChildProcess, type ChildProcessHandle } from './child-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const appFile = join(repoRoot, 'load-tests', 'apps', 'minimal-b2bua.ts');
const defaultBin = join(repoRoot, 'bin', 'linegate');
/** The engine drains gracefully on SIGTERM (wire close, TCP grace): give it time. */
const ENGINE_STOP_GRACE_MS = 10_000;

function startEngine(ctx: ScenarioContext, secret: string): Promise<ChildProcessHandle<EngineListening>> {
  const { engineBin, engineProfDir, engineNodeOptions, engineLog } = ctx.options;
  const nodeArgs: string[] = engineNodeOptions ? engineNodeOptions.split(/\s+/).filter(Boolean) : [];
  if (engineProfDir) {
    mkdirSync(engineProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', resolve(engineProfDir));
  }
  // --loglevel info: the only per-run info lines are "listening", app authenticated and
  // the drain; nothing is logged per call, so this costs nothing under load.
  const engineArgs = ['engine', '--contact', 'sip:127.0.0.1:0;transport=udp,tcp', '--address', '127.0.0.1', '--port', '0', '--secret', secret, '--loglevel', 'info'];
  return startChildProcess({
    label: 'engine', command: process.execPath, args: [...nodeArgs, resolve(engineBin ?? defaultBin), ...engineArgs],
    cwd: repoRoot, timeoutMs: 15_000, ready: parseEngineListening, ...(engineLog ? { logFile: resolve(engineLog) } : {}),
  });
}

async function setup(ctx: ScenarioContext): Promise<SystemUnderTest> {
  if (ctx.options.engineBin === undefined) ensureDist(repoRoot, { skip: ctx.options.noBuild ?? false, log: ctx.log });
  const secret = randomBytes(12).toString('hex');
  const engine = await startEngine(ctx, secret);
  const { udp, tcp, wire } = engine.ready;
  const sipPort = ctx.transport === 'tcp' ? tcp : udp;
  if (sipPort === undefined) {
    await engine.stop();
    throw new Error(`the engine does not listen on ${ctx.transport}`);
  }
  // The B leg must use the run's transport: sipp's UAS listens on one transport only.
  const target = ctx.transport === 'tcp' ? `${ctx.uas.uri};transport=tcp` : ctx.uas.uri;
  ctx.log(`engine-b2bua: engine pid ${engine.pid}, SIP ${ctx.transport} 127.0.0.1:${sipPort}, wire ${wire.address}:${wire.port}; B legs to ${target}`);
  let app;
  try {
    app = await startChildApp(appFile, ['--host', wire.address, '--port', String(wire.port), '--secret', secret, '--target', target], {
      cwd: repoRoot, readyLine: 'ready', timeoutMs: 15_000,
    });
  } catch (err) {
    await engine.stop();
    throw err;
  }
  const started = app;
  return {
    target: `127.0.0.1:${sipPort}`,
    pids: [engine.pid, started.pid],
    labels: { [engine.pid]: 'engine', [started.pid]: 'minimal-b2bua' },
    async teardown() {
      const crashed = engine.exited;
      await started.stop();
      const code = await engine.stop(ENGINE_STOP_GRACE_MS);
      if (crashed) ctx.log(`engine-b2bua: the engine had exited during the run (status ${code}): ${engine.stderrTail().trim().slice(-2000)}`);
      else if (engine.stderrTail().trim()) ctx.log(`engine-b2bua: engine stderr: ${engine.stderrTail().trim().slice(-2000)}`);
      if (ctx.options.engineProfDir) ctx.log(`engine-b2bua: engine CPU profile written to ${resolve(ctx.options.engineProfDir)}`);
    },
  };
}

export const engineB2bua: Scenario = {
  name: 'engine-b2bua',
  description: 'sipp uac -> embedded engine (dist/, started here) -> minimal-b2bua (drachtio-srf) -> sipp uas',
  uacXml: 'uac-invite-200-bye-expect-ok.xml',
  uasXml: 'uas-answer-200-expect-bye.xml',
  tcp: { uasXml: 'uas-answer-200-expect-bye-tcp.xml' },
  defaults: { rate: 600, durationS: 60, callLengthMs: 100 },
  setup,
};
