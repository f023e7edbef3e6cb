/**
 * Composition root of the CRM worker (issue #4): the only place that `new`s the worker's
 * adapters together. `startCrmWorker` is used in-process by `linegate run` (which hands in
 * its event log and, if it likes, a kv) and by tests; `runCrmCli` backs
 * `linegate crm-worker [--config F]`, `linegate crm test-connection` and `linegate crm replay`.
 *
 * Defaults per event backend (docs/crm.md, "Configuration"):
 * - file: FileEventLog in events.dir, the Task-state kv a JournalKv (`<dataDir>/crm/crm-kv.jsonl`,
 *   fsync'd per write: the MemoryStore's periodic snapshot is not durable enough to
 *   acknowledge events against);
 * - redis: RedisEventLog on the stream, RedisStore as the kv (shared by every worker).
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { formatCrmConfigErrors, formatDialplanErrors, readCrmConfig, readDialplan } from './config/index.js';
import type { CrmSettings, Dialplan } from './config/index.js';
import {
  CallerResolver, classifySalesforceError, CrmWorker, FileDeadLetterStore, formatVerdict, JournalKv, promCrmWorkerMetrics,
  promSalesforceMetrics, ReplayRequestWatcher, requestReplay, SalesforceClient, SalesforceTaskSink, testConnection, WebhookAndMailNotifier,
} from './crm/index.js';
import type { CrmEventSource, CrmKv, CrmWorkerOptions, ReplayReport, SalesforceClientOptions, SalesforceConnectionOptions } from './crm/index.js';
import { FileEventLog, RedisEventLog } from './events/index.js';
import type { FileEventLogOptions } from './events/index.js';
import { createLogger, createRegistry } from './observability/index.js';
import type { Logger, Registry } from './observability/index.js';
import { LinegateError, systemClock } from './shared/index.js';
import type { Clock } from './shared/index.js';
import { RedisStore } from './state/index.js';

export interface CrmWorkerDeps {
  /** The call-event log, when the caller already has it open (`linegate run`); not closed by close(). */
  readonly events?: CrmEventSource;
  /** The kv for Task state and lookups; not closed by close(). */
  readonly kv?: CrmKv;
  readonly registry?: Registry;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Users' Salesforce ids, when the caller has the dialplan loaded (else settings.dialplan is read). */
  readonly dialplan?: Dialplan;
  /** Overrides the dialplan: a line user's Salesforce user id. */
  readonly ownerOf?: (userId: string) => string | undefined;
  /** false: serve replays only, read no events. Default true. */
  readonly consume?: boolean;
  /** Default `<gatewayId>/<pid>`. */
  readonly consumer?: string;
  /** Tests: shorter claim/grace times and the like. */
  readonly tuning?: Partial<Pick<CrmWorkerOptions, 'claim' | 'graceMs' | 'read' | 'retry' | 'adoptGiveUpMs'>> & {
    readonly clientRetry?: SalesforceClientOptions['retry'];
    /** crm/lookup's creation claims on unknown numbers (defaults 120 s and 1 s). */
    readonly lookupClaimTtlMs?: number;
    readonly lookupClaimWaitMs?: number;
  };
}

export interface RunningCrmWorker {
  readonly worker: CrmWorker;
  readonly client: SalesforceClient;
  readonly kv: CrmKv;
  /**
   * Who is calling, on the worker's kv and client: `linegate run` gives the call path
   * `new CrmContactDirectory(running.lookup)` (with lookupWithin(settings.lookup.budgetMs)),
   * so names the worker found are served from the same cache.
   */
  readonly lookup: CallerResolver;
  /** Graceful: the worker flushes and acknowledges, then what startCrmWorker opened is closed. Idempotent. */
  close(): Promise<void>;
}

export async function startCrmWorker(settings: CrmSettings, deps: CrmWorkerDeps = {}): Promise<RunningCrmWorker> {
  const clock = deps.clock ?? systemClock;
  const log = (deps.logger ?? createLogger()).child({ component: 'crm' });
  const registry = deps.registry ?? createRegistry();
  const owners = deps.ownerOf ? undefined : ownersFrom(deps.dialplan ?? loadOwnersDialplan(settings));
  const ownerOf = deps.ownerOf ?? ((u: string) => owners?.get(u));
  const closers: Array<() => Promise<void>> = [];
  const kv = deps.kv ?? (await openKv(settings, closers));
  let events: CrmEventSource;
  try {
    events = deps.consume === false ? idleSource : deps.events ?? (await openEvents(settings, log, closers));
  } catch (err) {
    // The kv opened above is closed again: a refused event log (EVENT_LOG_LOCKED) must not leave it open.
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }
  // The metrics this worker registers are removed again by close(), so a restart in one process can register them anew.
  const before = new Set(registry.getMetricsAsArray().map((m) => m.name));
  const sfMetrics = promSalesforceMetrics(registry);
  const workerMetrics = promCrmWorkerMetrics(registry);
  const ours = registry.getMetricsAsArray().map((m) => m.name).filter((n) => !before.has(n));
  closers.push(async () => ours.forEach((n) => registry.removeSingleMetric(n)));
  const client = new SalesforceClient({
    connection: connectionOf(settings), clock, logger: log, metrics: sfMetrics, governor: { maxShare: settings.governor.maxShare },
    ...(deps.tuning?.clientRetry ? { retry: deps.tuning.clientRetry } : {}),
  });
  const lookup = new CallerResolver({
    client, kv, clock, logger: log, defaultCountry: settings.lookup.defaultCountry, extraPhoneFields: settings.lookup.extraPhoneFields,
    cacheTtlMs: settings.lookup.cacheTtlMs, negativeTtlMs: settings.lookup.negativeTtlMs,
    unknownCallers: { ...settings.unknownCallers, leadCompany: settings.unknownCallers.leadCompany },
    // A dead worker's claim on a number blocks its creation until the claim expires; a batch
    // waits claimWaitMs for it, and the Task waits a few flushes (CrmWorker), so keep both short.
    claimTtlMs: deps.tuning?.lookupClaimTtlMs ?? 120_000, claimWaitMs: deps.tuning?.lookupClaimWaitMs ?? 1000,
  });
  const deadLetters = new FileDeadLetterStore({ dir: settings.deadLetters.dir });
  const worker = new CrmWorker({
    source: events, kv, sink: new SalesforceTaskSink(client), lookup, classify: classifySalesforceError, deadLetters,
    notifier: notifierOf(settings), gatewayId: settings.gatewayId, consumer: deps.consumer ?? `${settings.gatewayId}/${process.pid}`,
    externalIdField: settings.externalIdField, unknownCallers: settings.unknownCallers.mode, ownerOf, clock, log, metrics: workerMetrics,
    batch: settings.batch, ...workerTuning(deps.tuning), claim: { minIdleMs: settings.events.claimMinIdleMs, ...deps.tuning?.claim },
  });
  const watcher = new ReplayRequestWatcher({ dir: settings.deadLetters.dir, clock, log, run: () => worker.replayDeadLetters() });
  worker.start({ consume: deps.consume !== false });
  watcher.start();
  log.info({ gatewayId: settings.gatewayId, consumer: worker.consumer, backend: settings.events.backend, externalIdField: settings.externalIdField ?? null }, 'CRM worker started');
  let closing: Promise<void> | undefined;
  return {
    worker, client, kv, lookup,
    close: () => (closing ??= (async () => {
      await watcher.close();
      await worker.close();
      await client.close();
      for (const close of closers.reverse()) await close().catch((e: unknown) => log.warn({ err: String(e) }, 'closing a CRM adapter failed'));
      log.info('CRM worker stopped');
    })()),
  };
}

/**
 * `linegate crm-worker [--config F]`, `linegate crm test-connection [--config F]`,
 * `linegate crm replay [--config F]` (argv from the command name on; `crm worker` is the
 * same as `crm-worker`). Returns the exit code.
 */
export async function runCrmCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const args = [...argv];
  if (args[0] === 'crm') args.shift();
  const command = args.shift() ?? 'help';
  const name = command === 'crm-worker' ? 'worker' : command;
  if (!['worker', 'test-connection', 'replay'].includes(name)) {
    io.err(`linegate crm: unknown command "${command}"\n${CRM_USAGE}`);
    return 2;
  }
  const configAt = args.indexOf('--config');
  if (configAt >= 0 && args[configAt + 1] === undefined) {
    io.err(`--config needs a file\n${CRM_USAGE}`);
    return 2;
  }
  const loaded = readCrmConfig(configAt >= 0 ? args[configAt + 1] : undefined);
  if (!loaded.ok) {
    io.err(`${formatCrmConfigErrors(loaded.errors)}\n`);
    return 2;
  }
  const settings = loaded.settings;
  if (name === 'test-connection') {
    const verdict = await testConnection(connectionOf(settings), { externalIdField: settings.externalIdField, unknownCallers: settings.unknownCallers.mode });
    io.out(`${formatVerdict(verdict)}\n`);
    return verdict.ok ? 0 : 1;
  }
  if (name === 'replay') return replayCli(settings, io, numberFlag(args, '--pickup-ms') ?? 5000);
  let running: RunningCrmWorker;
  try {
    running = await startCrmWorker(settings, io.logger ? { logger: io.logger } : {});
  } catch (err) {
    // Another process owns the file event log (or its lock is damaged): the message says which and the fix.
    if (!(err instanceof LinegateError) || !err.code.startsWith('EVENT_LOG_LOCK')) throw err;
    io.err(`${err.message}\n`);
    return 1;
  }
  // The worker's timers are unref'd and its reads may be idle: keep the process alive until
  // the graceful close (flush, acknowledge) has finished, not just until the signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await io.untilSignal();
    await running.close();
  } finally {
    clearInterval(keepAlive);
  }
  return 0;
}

export const CRM_USAGE = `usage:
  linegate crm-worker [--config FILE]           run the CRM worker (call events → Salesforce Tasks)
  linegate crm test-connection [--config FILE]  log in and check the integration user's permissions
  linegate crm replay [--config FILE] [--pickup-ms N]
                                                re-drive dead-lettered calls once their cause is fixed (the running
                                                worker does it; if none takes the request within N ms, default 5000,
                                                this process does)
The config file comes from --config or LINEGATE_CRM_CONFIG (docs/crm.md, "Configuration").
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Resolves on SIGTERM or SIGINT (a second signal exits at once). */
  untilSignal(): Promise<void>;
  /** Default: pino to stdout. */
  readonly logger?: Logger;
}

function numberFlag(args: readonly string[], flag: string): number | undefined {
  const at = args.indexOf(flag);
  const n = at >= 0 ? Number(args[at + 1]) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  untilSignal: () => new Promise((resolve) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) process.exit(1);
      stopping = true;
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }),
};

async function replayCli(settings: CrmSettings, io: CliIo, pickupMs: number): Promise<number> {
  const asked = await requestReplay(settings.deadLetters.dir, { pickupMs, resultMs: 30 * 60_000 });
  let report: ReplayReport;
  if (asked === 'unclaimed') {
    io.out('no running worker took the request: replaying in this process\n');
    const running = await startCrmWorker(settings, { consume: false, ...(io.logger ? { logger: io.logger } : {}) });
    // Retries wait on unref'd timers: keep the process alive until the replay is done.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      report = await running.worker.replayDeadLetters();
    } finally {
      await running.close();
      clearInterval(keepAlive);
    }
  } else report = asked;
  io.out(`replayed ${report.calls} call(s) from ${report.entries} dead letter(s): ${report.written} written, ${report.deadLettered} dead-lettered again\n`);
  return report.deadLettered === 0 ? 0 : 1;
}

export function connectionOf(settings: CrmSettings): SalesforceConnectionOptions {
  const { auth, loginUrl, apiVersion } = settings.salesforce;
  if (auth.kind === 'jwt') return { loginUrl, apiVersion, auth: { kind: 'jwt', clientId: auth.clientId, username: auth.username, privateKeyPem: auth.privateKey.reveal() } };
  return {
    loginUrl, apiVersion,
    auth: {
      kind: 'password', username: auth.username, password: auth.password.reveal(), securityToken: auth.securityToken.reveal(),
      ...(auth.clientId ? { clientId: auth.clientId } : {}), ...(auth.clientSecret ? { clientSecret: auth.clientSecret.reveal() } : {}),
    },
  };
}

function notifierOf(settings: CrmSettings): WebhookAndMailNotifier | undefined {
  const d = settings.deadLetters;
  if (!d.webhookUrl && !d.smtp) return undefined;
  const smtp = d.smtp && {
    host: d.smtp.host, port: d.smtp.port, security: d.smtp.security, from: d.smtp.from, to: d.smtp.to,
    ...(d.smtp.username !== undefined ? { username: d.smtp.username, password: d.smtp.password?.reveal() ?? '' } : {}),
  };
  return new WebhookAndMailNotifier({
    gatewayId: settings.gatewayId, deadLetterPath: join(d.dir, 'dead-letters.jsonl'),
    ...(d.webhookUrl ? { webhookUrl: d.webhookUrl } : {}), ...(smtp ? { smtp } : {}),
  });
}

async function openKv(settings: CrmSettings, closers: Array<() => Promise<void>>): Promise<CrmKv> {
  if (settings.events.backend === 'redis') {
    const store = new RedisStore({ redis: new Redis(settings.events.redisUrl.reveal()) });
    await store.start();
    closers.push(() => store.close());
    return store;
  }
  const kv = new JournalKv({ path: join(settings.dataDir, 'crm', 'crm-kv.jsonl') });
  await kv.start();
  closers.push(() => kv.close());
  return kv;
}

async function openEvents(settings: CrmSettings, logger: Logger, closers: Array<() => Promise<void>>): Promise<CrmEventSource> {
  const e = settings.events;
  const log = e.backend === 'redis'
    ? new RedisEventLog({ redis: new Redis(e.redisUrl.reveal()), stream: e.stream })
    : new FileEventLog({ dir: e.dir, maxBytes: e.maxBytes, ...fileEventLogWarnings(logger, e.dir) });
  await log.start();
  closers.push(() => log.close());
  return log;
}

/**
 * The FileEventLog callbacks a composition root passes (`linegate run` too): a trim that
 * deleted events a consumer group had not acknowledged is a warning (the cap is below the
 * backlog), one that deleted only what no consumer needed is routine; a stale lock taken
 * over means the previous owner died without closing the log.
 */
export function fileEventLogWarnings(logger: Logger, dir: string): Pick<FileEventLogOptions, 'onTrim' | 'onStaleLock'> {
  return {
    onTrim: (t) => {
      const fields = { dir, segments: t.segments, events: t.events, unacknowledged: t.unacknowledged };
      if (t.unacknowledged > 0) logger.warn(fields, 'event log over its size cap: deleted events a consumer had not acknowledged (raise maxBytes or fix the consumer)');
      else logger.info(fields, 'event log over its size cap: deleted its oldest segments');
    },
    onStaleLock: (pid) => logger.warn({ dir, pid }, 'event log lock left by a process that is gone: taken over (did it crash?)'),
  };
}

function loadOwnersDialplan(settings: CrmSettings): Dialplan | undefined {
  if (!settings.dialplan) return undefined;
  const r = readDialplan(settings.dialplan, { demo: true });
  if (!r.ok) throw new Error(`the dialplan named in ${settings.file} does not load:\n${formatDialplanErrors(r.errors)}`);
  return r.dialplan;
}

function ownersFrom(dialplan: Dialplan | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const u of dialplan?.users ?? []) if (u.salesforceUserId) out.set(u.id, u.salesforceUserId);
  return out;
}

function workerTuning(t: CrmWorkerDeps['tuning']): Partial<CrmWorkerOptions> {
  if (!t) return {};
  const { clientRetry: _c, claim: _claim, lookupClaimTtlMs: _t, lookupClaimWaitMs: _w, ...rest } = t;
  return rest;
}

/** A source with nothing in it, for a replay-only worker. */
const idleSource: CrmEventSource = {
  read: async () => [],
  claimStale: async () => [],
  ack: async () => 0,
  pending: async () => 0,
  oldestPendingAgeMs: async () => 0,
};
