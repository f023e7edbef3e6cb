/**
 * CRM drain: a backlog of call events in the file log, drained by the CRM worker into the
 * Salesforce emulator (both in this process). Prints events per second and Salesforce API
 * calls per Task (what issue #4 asks: at most 0.1 per logged call at steady load).
 *
 *   node --import tsx load-tests/crm-drain.ts [--events 10000] [--numbers 300] [--known 0.8]
 *        [--callobject] [--cold] [--seed N] [--record "note"]
 *
 * Steady load means a warm worker: first every caller of the population calls once (the
 * warm-up: lookups cached, unknown callers' Contacts created, a session open), then the
 * worker stops, the measured backlog is appended, and a new worker process-equivalent
 * (startCrmWorker again, so it logs in again) drains it. API calls are counted by the
 * emulator, by kind, for the measured drain only; the warm-up's are printed apart.
 * --record adds a row to load-tests/RESULTS.md ("CRM drain" section).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCrmConfig } from '../src/config/index.js';
import { startCrmWorker, type RunningCrmWorker } from '../src/crm-main.js';
import { FileEventLog, type CallEvent, type Disposition } from '../src/events/index.js';
import { createLogger } from '../src/observability/index.js';
import { SalesforceEmulator } from '../src/sf-emulator/index.js';
import { callEvents, laterNote } from '../test/helpers/crm-calls.js';
import { Xorshift32 } from '../test/helpers/xorshift32.js';
import { gitRevision, machineDescription } from './lib/results-file.js';

export interface DrainOptions {
  /** Events in the measured backlog (about 4.3 per call). */
  readonly events: number;
  /** Distinct remote numbers calling. */
  readonly numbers: number;
  /** Share of them that are Contacts in Salesforce already; the rest become Contacts on their first call. */
  readonly known: number;
  /** Upsert by external id (true) or find by CallObject. */
  readonly ext: boolean;
  readonly seed: number;
  /** Skip the warm-up: the drain pays for every first lookup and unknown caller's Contact. */
  readonly cold?: boolean;
}

export interface DrainReport {
  readonly options: DrainOptions;
  readonly events: number;
  readonly calls: number;
  readonly tasks: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Emulator requests during the measured drain, by kind (zero kinds left out). */
  readonly apiCalls: Readonly<Record<string, number>>;
  readonly apiTotal: number;
  readonly apiPerTask: number;
  readonly warmupApiTotal: number;
}

const USER = { username: 'drain@linegate.test', password: 'Passw0rd', securityToken: 'TOKEN7' };
const KEY = 'Linegate_Call_Key__c';

export async function runCrmDrain(o: DrainOptions): Promise<DrainReport> {
  const sf = new SalesforceEmulator({
    users: [USER],
    customFields: o.ext ? { Task: [{ name: KEY, type: 'string', externalId: true, unique: true }] } : {},
    dailyApiAllowance: 1_000_000,
  });
  const { url } = await sf.start();
  const dir = await mkdtemp(join(tmpdir(), 'linegate-crm-drain-'));
  const log = new FileEventLog({ dir: join(dir, 'events') });
  let running: RunningCrmWorker | undefined;
  try {
    const rng = new Xorshift32(o.seed);
    const numbers = Array.from({ length: o.numbers }, (_, i) => `+1415${String(5_000_000 + i).padStart(7, '0')}`);
    const account = sf.seed('Account', { Name: 'Drain Test Inc' });
    numbers.slice(0, Math.round(o.numbers * o.known)).forEach((n, i) => sf.seed('Contact', { FirstName: 'Caller', LastName: `No ${i}`, Phone: n, AccountId: account }));
    const settings = settingsFor(url, dir, o.ext);
    await log.start();
    const start = (): Promise<RunningCrmWorker> => startCrmWorker(settings, { events: log, logger: createLogger('warn') });

    // Warm-up: every number calls once.
    const warmups = o.cold ? 0 : numbers.length;
    if (!o.cold) {
      running = await start();
      await appendAll(log, numbers.flatMap((n, i) => callEvents({ callId: `warm-${i}`, remote: n })));
      await drained(log, 120_000);
      await running.close();
    }
    const warmupApiTotal = sum(sf.apiCalls());
    sf.resetApiCalls();

    // The measured backlog, then a fresh worker drains it.
    const backlog = generate(rng, numbers, o.events);
    await appendAll(log, backlog.events);
    const t0 = performance.now();
    running = await start();
    await drained(log, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    await running.close();
    running = undefined;
    const counts = Object.fromEntries(Object.entries(sf.apiCalls()).filter(([, n]) => n > 0));
    const apiTotal = sum(counts);
    const tasks = sf.records('Task').length - warmups;
    return {
      options: o, events: backlog.events.length, calls: backlog.calls, tasks, seconds,
      eventsPerSecond: backlog.events.length / seconds, apiCalls: counts, apiTotal, apiPerTask: apiTotal / backlog.calls, warmupApiTotal,
    };
  } finally {
    await running?.close();
    await log.close();
    await sf.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function settingsFor(url: string, dir: string, ext: boolean): ReturnType<typeof parse> {
  return parse([
    'version: 1', 'gatewayId: drain', `dataDir: ${dir}`,
    'salesforce:', `  loginUrl: ${url}`, '  auth:', '    kind: password', `    username: ${USER.username}`,
    '    password: { env: P }', '    securityToken: { env: T }',
    ...(ext ? [`externalIdField: ${KEY}`] : []),
    `events: { backend: file, dir: ${join(dir, 'events')} }`,
  ].join('\n'));
}

function parse(yaml: string): import('../src/config/index.js').CrmSettings {
  const r = parseCrmConfig(yaml, { file: 'crm-drain.yaml', env: { P: USER.password, T: USER.securityToken } });
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.settings;
}

/** Calls until `target` events: 70 % answered, 30 % with a note during the call, 10 % a note after it. */
function generate(rng: Xorshift32, numbers: readonly string[], target: number): { events: CallEvent[]; calls: number } {
  const dispositions: Disposition[] = ['answered', 'answered', 'answered', 'answered', 'answered', 'answered', 'answered', 'missed', 'voicemail', 'busy'];
  const events: CallEvent[] = [];
  let calls = 0;
  while (events.length < target) {
    const callId = `drain-${calls}`;
    let call = callEvents({
      callId, remote: rng.pick(numbers), direction: rng.chance(0.8) ? 'inbound' : 'outbound', disposition: rng.pick(dispositions),
      notes: rng.chance(0.3) ? ['customer asked for a follow-up'] : [], durationS: rng.between(5, 600),
    });
    if (rng.chance(0.1)) call = [...call, laterNote(call, 'sent the quote')];
    events.push(...call);
    calls += 1;
  }
  return { events, calls };
}

async function appendAll(log: FileEventLog, events: readonly CallEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) await Promise.all(events.slice(i, i + 1000).map((e) => log.append(e)));
}

async function drained(log: FileEventLog, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await log.pending('crm')) > 0) {
    if (Date.now() > deadline) throw new Error(`${await log.pending('crm')} events not drained after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

export function formatDrain(r: DrainReport): string {
  const kinds = Object.entries(r.apiCalls).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `CRM drain (${r.options.ext ? 'external-id upserts' : 'CallObject lookups'}${r.options.cold ? ', cold worker' : ''}; ${r.options.numbers} callers, ${Math.round(r.options.known * 100)} % known; seed ${r.options.seed})`,
    `  backlog      ${r.events} events, ${r.calls} calls → ${r.tasks} Tasks`,
    `  drained in   ${r.seconds.toFixed(2)} s = ${Math.round(r.eventsPerSecond)} events/s`,
    `  API calls    ${r.apiTotal} (${kinds}) = ${r.apiPerTask.toFixed(4)} per Task`,
    r.options.cold ? '  warm-up      none (cold: first lookups and Contacts for unknown callers are in the figures above)' : `  warm-up      ${r.warmupApiTotal} API calls for ${r.options.numbers} first calls (lookups, Contacts for unknown callers, login)`,
  ].join('\n');
}

const ROWS_END = '<!-- crm-drain rows: crm-drain.ts --record inserts above this line -->';

async function record(r: DrainReport, note: string): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const path = join(root, 'load-tests', 'RESULTS.md');
  const text = await readFile(path, 'utf8');
  if (!text.includes(ROWS_END)) throw new Error(`${path} has no CRM drain section (marker ${ROWS_END})`);
  const kinds = Object.entries(r.apiCalls).map(([k, n]) => `${k} ${n}`).join(', ');
  const row = `| ${new Date().toISOString().slice(0, 19)}Z | ${gitRevision(root)} | ${machineDescription()} | ${r.options.ext ? 'external id' : 'CallObject'}${r.options.cold ? ', cold' : ''} | ${r.events} | ${r.calls} | ${r.tasks} | ${r.options.numbers} (${Math.round(r.options.known * 100)} % known) | ${r.seconds.toFixed(2)} | ${Math.round(r.eventsPerSecond)} | ${r.apiTotal} (${kinds}) | ${r.apiPerTask.toFixed(4)} | ${note} |`;
  await writeFile(path, text.replace(ROWS_END, `${row}\n${ROWS_END}`));
}

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const options: DrainOptions = {
    events: Number(flag(argv, '--events') ?? 10_000),
    numbers: Number(flag(argv, '--numbers') ?? 300),
    known: Number(flag(argv, '--known') ?? 0.8),
    ext: !argv.includes('--callobject'),
    seed: Number(flag(argv, '--seed') ?? 1),
    cold: argv.includes('--cold'),
  };
  const report = await runCrmDrain(options);
  process.stdout.write(`${formatDrain(report)}\n`);
  const note = flag(argv, '--record');
  if (note !== undefined) await record(report, note);
}
