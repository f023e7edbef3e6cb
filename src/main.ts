/**
 * Composition root of `linegate run` (issue #3): the embedded SIP engine, the MemoryStore
 * with its snapshot under ./var, the FileEventLog under ./var/events, and on one srf the
 * Registrar and the CallShell, driven by dialplans/example.yaml. The only place that
 * `new`s these adapters together. SIGTERM drains (cli.ts installs the signals).
 *
 * The control API (ControlServer, the shell as its CallControl) starts when the dialplan
 * has a `controlApi` section; its token is the env reference there. The dialplan has no
 * address/port for it, so they come from LINEGATE_CONTROL_ADDRESS (default 127.0.0.1) and
 * LINEGATE_CONTROL_PORT (default 8080).
 *
 * Media (issue #5, media-run.ts): the embedded RTP endpoint, linegate's own voicemail when the
 * dialplan's voicemail service is internal, and call recording; handed to the shell and the
 * control API, closed after the shell has drained and before the engine connection goes.
 */
import path from 'node:path';
import Srf from 'drachtio-srf';
import { CallShell, eventLoopLag, overloadGuardFor, promCallMetrics, StoreContactDirectory, worstLag } from './b2bua/call/index.js';
import { fileEventLogWarnings } from './crm-main.js';
import { CrmConfigRejected, startRunCrm } from './crm-run.js';
import type { RunningCrm } from './crm-run.js';
import { startRunMedia } from './media-run.js';
import type { RunningMedia } from './media-run.js';
import type { MwiRegistrar, MwiSrf } from './b2bua/voicemail/index.js';
import type { CallRegistrar, LagSource, ShellSrf } from './b2bua/call/index.js';
import { ControlServer } from './b2bua/control/index.js';
import { Registrar } from './b2bua/registrar/index.js';
import { formatDialplanErrors, readDialplan } from './config/index.js';
import type { Dialplan, EngineFlags } from './config/index.js';
import { FileEventLog } from './events/index.js';
import type { Logger, Registry } from './observability/index.js';
import { LinegateError, systemClock } from './shared/index.js';
import { batchSrfWrites } from './srf-write-batching.js';
import { MemoryStore } from './state/index.js';
import type { EngineHandle } from './engine-thread.js';

export interface LineGateOptions {
  flags: EngineFlags;
  /**
   * Its wire address is read, and its loop's lag when it runs on a thread of its own: the
   * engine may be in this thread, another one, or (tests) another process.
   */
  engine: Pick<EngineHandle, 'wireAddress' | 'loopLag'>;
  log: Logger;
  dialplanPath?: string;
  varDir?: string;
  /** Call metrics are registered here when given. */
  registry?: Registry;
  /** Default process.env: LINEGATE_CONTROL_ADDRESS / LINEGATE_CONTROL_PORT and the CRM settings (not the dialplan's secrets). */
  env?: NodeJS.ProcessEnv;
  /** The overload guard's lag source (docs/dialplan.md "Overload"); default the event loop's. */
  lagSource?: LagSource;
}

export interface ControlApiInfo {
  url: string;
  /** The environment variable the bearer token came from (never the token). */
  tokenEnv: string;
}

export interface RunningLineGate {
  dialplan: Dialplan;
  shell: CallShell;
  /** Undefined when the dialplan has no controlApi section. */
  controlApi: ControlApiInfo | undefined;
  /** The CRM worker running in this process (undefined with LINEGATE_CRM=off). */
  crm: RunningCrm | undefined;
  /** The media endpoint, voicemail (when internal) and recording. */
  media: RunningMedia;
  /** Readiness false, new INVITEs 503 (emergency excepted), then waits for calls to end (drainTimeoutS). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Loads the dialplan; on error prints it and sets exit code 2 (undefined returned). */
export function loadExampleDialplan(file: string, env: NodeJS.ProcessEnv = process.env): Dialplan | undefined {
  const r = readDialplan(file, { demo: true, env });
  if (r.ok) return r.dialplan;
  process.stderr.write(`${formatDialplanErrors(r.errors)}\n`);
  process.exitCode = 2;
  return undefined;
}

export async function startLineGate(o: LineGateOptions): Promise<RunningLineGate | undefined> {
  // The dialplan's secrets come from the process environment even when `env` is given: callers
  // (tests, the load app) pass `env` to steer the control API and the CRM, not to hide secrets.
  const dialplan = loadExampleDialplan(o.dialplanPath ?? 'dialplans/example.yaml');
  if (!dialplan) return undefined;
  const varDir = o.varDir ?? 'var';
  const log = o.log;
  const store = new MemoryStore({
    snapshotPath: path.join(varDir, 'store.json'),
    onSnapshotError: (err) => log.warn({ err: String(err) }, 'store snapshot failed'),
  });
  await store.start();
  // The size cap stays FileEventLog's default (1 GiB): the dialplan has no field for it.
  const eventsDir = path.join(varDir, 'events');
  const events = new FileEventLog({ dir: eventsDir, ...fileEventLogWarnings(log, eventsDir) });
  try {
    await events.start();
  } catch (err) {
    await store.close();
    // Another linegate owns the directory (EVENT_LOG_LOCKED), or its files are damaged: the message names it and the fix.
    if (!(err instanceof LinegateError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  let crm: RunningCrm | undefined;
  try {
    crm = await startRunCrm({ dialplan, events, varDir, log, env: o.env ?? process.env, ...(o.registry ? { registry: o.registry } : {}) });
  } catch (err) {
    if (!(err instanceof CrmConfigRejected)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
    await events.close();
    await store.close();
    return undefined;
  }
  const srf = new Srf();
  srf.on('error', (err: Error) => log.warn({ err: err.message }, 'engine connection error'));
  const registrar = new Registrar({
    store, users: dialplan.users, domain: dialplan.domain, settings: dialplan.registrar, clock: systemClock, logger: log,
  });
  registrar.register(srf);
  const media = await startRunMedia({ dialplan, srf, store, events, varDir, log });
  media.register(srf as unknown as MwiSrf, registrar as unknown as MwiRegistrar);
  let active = (): number => 0;
  const metrics = o.registry ? promCallMetrics(o.registry, () => active()) : undefined;
  const overload = overloadGuardFor(dialplan.overload, { clock: systemClock, logger: log, source: o.lagSource ?? lagOf(o.engine), registry: o.registry });
  const shell = new CallShell({
    srf: srf as unknown as ShellSrf, dialplan, store, events, clock: systemClock, logger: log,
    registrar: registrar as unknown as CallRegistrar, directory: crm?.directory ?? new StoreContactDirectory(store),
    ...(crm ? { directoryBudgetMs: crm.budgetMs } : {}),
    ...(metrics ? { metrics } : {}),
    ...(overload ? { overload } : {}),
    media: media.media, recordings: media.recordings,
    ...(dialplan.voicemail?.service === 'internal' ? { promptsDir: dialplan.voicemail.promptsDir } : {}),
    ...(media.voicemail ? { voicemail: media.voicemail } : {}),
    ...(media.retrievalCode ? { retrievalCode: media.retrievalCode } : {}),
  });
  active = () => shell.activeCalls();
  shell.start();
  const control = await startControlApi(dialplan, { store, events, shell, media, log, env: o.env ?? process.env });
  const connected = new Promise<void>((resolve, reject) => {
    srf.on('connect', (err: Error | null) => {
      if (err) return reject(err);
      // Also after a reconnect: each connection is a new socket (srf-write-batching.ts).
      if (batchSrfWrites(srf) === 0) log.debug('srf write batching not applied (unknown drachtio-srf internals)');
      resolve();
    });
  });
  void srf.connect({ host: o.flags.wire.address, port: o.engine.wireAddress().port, secret: o.flags.wire.secret });
  await connected;
  let closed: Promise<void> | undefined;
  return {
    dialplan,
    shell,
    controlApi: control?.info,
    crm,
    media,
    async drain() {
      shell.drain();
      const idle = await shell.whenIdle(dialplan.drainTimeoutS * 1000);
      if (!idle) shell.endAll();
    },
    close: () => (closed ??= (async () => {
      await control?.server.close();
      overload?.close();
      // Calls still up (close without drain) end now, so voicemail and recordings can finish.
      if (shell.activeCalls() > 0) shell.endAll();
      await media.close();
      srf.disconnect();
      await registrar.close();
      // The worker flushes and acknowledges what it holds before the log it reads closes.
      await crm?.close();
      await events.close();
      await store.close();
    })()),
  };
}

/** With the engine on its own thread, the guard reads the worse of the two loops' lag (undefined: the guard's default, this loop's). */
function lagOf(engine: LineGateOptions['engine']): LagSource | undefined {
  const engineLag = engine.loopLag?.bind(engine);
  if (!engineLag) return undefined;
  return worstLag([eventLoopLag(), { read: engineLag, close: () => undefined }]);
}

interface ControlDeps {
  store: MemoryStore;
  events: FileEventLog;
  shell: CallShell;
  media: RunningMedia;
  log: Logger;
  env: NodeJS.ProcessEnv;
}

async function startControlApi(dialplan: Dialplan, d: ControlDeps): Promise<{ server: ControlServer; info: ControlApiInfo } | undefined> {
  if (!dialplan.controlApi) return undefined;
  const address = d.env['LINEGATE_CONTROL_ADDRESS'] ?? '127.0.0.1';
  const port = Number(d.env['LINEGATE_CONTROL_PORT'] ?? 8080);
  const server = new ControlServer({
    address, port, token: dialplan.controlApi.token, dialplan, store: d.store, events: d.events, calls: d.shell,
    voicemail: d.media.voicemail, recordings: d.media.recordings,
    logger: d.log.child({ component: 'control-api' }),
  });
  await server.start();
  const bound = server.address();
  const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  return { server, info: { url: `http://${host}:${bound.port}`, tokenEnv: dialplan.controlApi.token.envName } };
}
