/**
 * The system under test of the trunk-users scenario: what `linegate run` starts, in one
 * process — the embedded engine on a thread of its own (src/engine-thread.ts; SIP UDP+TCP on
 * 127.0.0.1, port 0; the wire socket on port 0 with the given secret; with --engine-inline on
 * the app's thread, as LINEGATE_ENGINE_THREAD=off does) and startLineGate on it (Registrar, CallShell, MemoryStore
 * with its snapshot and FileEventLog under --var, call metrics on a prom registry) — but
 * with the dialplan and var dir given on the command line (`linegate run` has them fixed
 * to dialplans/example.yaml and ./var). Secrets come from the environment as for `run`.
 * The CRM worker that `run` starts by default is off (LINEGATE_CRM=off) unless the
 * environment sets LINEGATE_CRM (e.g. `LINEGATE_CRM=emulator`) or LINEGATE_CRM_CONFIG.
 *
 *   node --import tsx load-tests/scenarios/trunk-users-app.ts --dialplan FILE --var DIR --secret S [--loglevel info]
 *        [--engine-wire HOST:PORT | --engine-inline] [--from dist|src]
 *
 * With --engine-wire the engine is not started here: startLineGate's srf connects to an
 * engine running in another process (trunk-users-split), as the app would to a
 * drachtio-server. startLineGate reads only the engine's wire address, so a stand-in with
 * that method is passed.
 *
 * Prints `ready {"udp":P,"tcp":P,"wire":P}` (read by trunk-users.ts; udp/tcp 0 with
 * --engine-wire) once the app is connected to the engine; on SIGTERM drains (calls in
 * progress end), closes and exits, so that a `--cpu-prof` profile gets written.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as ConfigModule from '../../src/config/index.js';
import type * as EngineThreadModule from '../../src/engine-thread.js';
import type { EngineHandle } from '../../src/engine-thread.js';
import type * as MainModule from '../../src/main.js';
import type * as ObservabilityModule from '../../src/observability/index.js';
import type * as SipModule from '../../src/sip/index.js';

interface Linegate {
  config: typeof ConfigModule;
  engineThread: typeof EngineThreadModule;
  main: typeof MainModule;
  observability: typeof ObservabilityModule;
  sip: typeof SipModule;
}

/**
 * linegate's modules from dist/ (what `make run` runs: tsc's output; the scenario rebuilds a
 * stale dist/ first) or, with --from src, from src/ under tsx (whose esbuild output adds
 * `__name` wrappers that cost ~2 % of the engine's CPU).
 */
async function loadLinegate(from: 'dist' | 'src'): Promise<Linegate> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', from);
  const ext = from === 'dist' ? 'js' : 'ts';
  const load = <T>(rel: string): Promise<T> => import(pathToFileURL(join(root, `${rel}.${ext}`)).href) as Promise<T>;
  const [config, engineThread, main, observability, sip] = await Promise.all([
    load<typeof ConfigModule>('config/index'), load<typeof EngineThreadModule>('engine-thread'), load<typeof MainModule>('main'),
    load<typeof ObservabilityModule>('observability/index'), load<typeof SipModule>('sip/index'),
  ]);
  return { config, engineThread, main, observability, sip };
}

const READY_PREFIX = 'ready ';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dialplan: { type: 'string' }, var: { type: 'string' }, secret: { type: 'string' }, loglevel: { type: 'string', default: 'info' },
      'engine-wire': { type: 'string' }, 'engine-inline': { type: 'boolean', default: false }, from: { type: 'string', default: 'dist' },
    },
  });
  if (values.from !== 'dist' && values.from !== 'src') throw new Error('--from dist|src');
  const { config: { parseEngineFlags }, engineThread: { startEngineThread }, main: { startLineGate }, observability: { createLogger, createRegistry }, sip: { Engine } } =
    await loadLinegate(values.from);
  if (!values.dialplan || !values.var || !values.secret) throw new Error('usage: trunk-users-app.ts --dialplan FILE --var DIR --secret S [--loglevel L]');
  const [wireHost = '127.0.0.1', wirePort = '0'] = values['engine-wire']?.split(':') ?? [];
  const parsed = parseEngineFlags(['--contact', 'sip:127.0.0.1:0;transport=udp,tcp', '--address', wireHost, '--port', wirePort,
    '--secret', values.secret, '--loglevel', values.loglevel ?? 'info']);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const flags = parsed.flags;
  const log = createLogger(flags.loglevel);
  const engine: EngineHandle = values['engine-wire'] ? remoteEngine(Number(wirePort))
    : values['engine-inline'] ? await Engine.start({ sip: flags.sip, wire: flags.wire, logger: log.child({ component: 'wire' }) })
      : await startEngineThread({ flags, onCrash: (err) => { process.stderr.write(`engine thread died: ${err.message}\n`); process.exit(1); } });
  // Issue #3's measurement is the call path: the CRM worker (issue #4, by default an in-process
  // Salesforce emulator) stays off unless LINEGATE_CRM / LINEGATE_CRM_CONFIG say otherwise.
  const env = { LINEGATE_CRM: process.env['LINEGATE_CRM'] ?? 'off', ...pick(process.env, 'LINEGATE_CRM_CONFIG') };
  const app = await startLineGate({ flags, engine, log, dialplanPath: values.dialplan, varDir: values.var, registry: createRegistry(), env });
  if (!app) {
    await engine.close();
    return;
  }
  const port = (protocol: 'udp' | 'tcp'): number => engine.sipListeners().find((l) => l.protocol === protocol)?.port ?? 0;
  process.stdout.write(`${READY_PREFIX}${JSON.stringify({ udp: port('udp'), tcp: port('tcp'), wire: engine.wireAddress().port })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1); // a second signal forces exit, as `linegate run`
    stopping = true;
    void (async () => {
      await app.drain();
      await app.close();
      await engine.close();
      // Anything still holding the loop open must not keep the profile from being written.
      process.exit(0);
    })();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function pick(env: NodeJS.ProcessEnv, name: string): Record<string, string> {
  const v = env[name];
  return v === undefined ? {} : { [name]: v };
}

/** An engine in another process, as far as startLineGate and this file need one: its wire port; nothing to close. */
function remoteEngine(wirePort: number): EngineHandle {
  const stub = {
    wireAddress: () => ({ address: '127.0.0.1', port: wirePort }),
    sipListeners: () => [],
    close: () => Promise.resolve(),
  };
  return stub as unknown as EngineHandle;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
