/**
 * Issue #3's load check: calls from a trunk to users who each have two registered
 * devices, rung simultaneously; one device answers, the other gets CANCEL with
 * `Reason: SIP;cause=200;text="Call completed elsewhere"`.
 *
 *   sipp uac (the trunk, round robin over the users' business numbers)
 *     → linegate run in one process (trunk-users-app.ts: embedded engine + startLineGate:
 *       Registrar, CallShell, MemoryStore snapshot, FileEventLog fsync'd, call metrics)
 *     → device a of the user: the runner's sipp UAS (180, 200 at once, then BYE)
 *     → device b of the user: a second sipp UAS started here (180, expects the CANCEL)
 *
 * Users: the divisor in trunk-users-uac-invite-200-bye-expect-ok.xml (200). The 400
 * devices REGISTER through the app's registrar with Digest before the runner starts the
 * trunk (one sipp REGISTER per device, at 100/s): the measured window holds INVITEs only,
 * so registration load cannot distort it, and the bindings are the registrar's own.
 *
 * The runner sees the trunk UAC and device a; device b's figures (calls, failures, e.g. a
 * CANCEL without the Reason) are printed at teardown and are not in the report's table.
 * Setup time = INVITE sent by the trunk → 200 received by it (RTD 1), as in every scenario.
 * UDP only: a device that registered over TCP is reached over its REGISTER's connection,
 * which here would be the registering sipp, not the UAS playing the device.
 *
 * The CRM worker `linegate run` starts by default (issue #4) is off: set LINEGATE_CRM=emulator
 * (any value but `off`) or LINEGATE_CRM_CONFIG in the runner's environment to include it.
 *
 * trunk-users runs the engine on a thread of its own, as `linegate run` does; trunk-users-inline
 * keeps engine and app on one thread (LINEGATE_ENGINE_THREAD=off).
 *
 * trunk-users-split: the same, but the engine runs in a process of its own (`bin/linegate
 * engine`) and the app connects to it over the wire protocol, as it would to a
 * drachtio-server: two processes, as in the engine-only scenario (engine-b2bua).
 *
 * Everything runs compiled from dist/, as `make run` does (rebuilt first when src/ is newer,
 * unless --no-build); trunk-users-app.ts --from src runs it under tsx instead.
 *
 *   --engine-prof DIR           node --cpu-prof for the linegate process(es) (profiles in DIR)
 *   --engine-node-options "…"   more node options for them (e.g. --trace-gc)
 *   --engine-log FILE           append their stdout and stderr (pino log) to FILE
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseEngineListening, parseProcStat, type EngineListening, type Scenario, type ScenarioContext, type SippStatRow, type SystemUnderTest,
} from '../lib/index.js';
import { ensureDist } from '../lib/dist-freshness.js';
import { startChildProcess, type ChildProcessHandle } from './child-process.js';
import {
  DEVICE_PASSWORD_ENV, registerDevices, startRingingDevices, summariseEventLog, trunkUsersDialplan, usersInUacXml, type RingingDevices,
} from './trunk-users-devices.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const appFile = join(here, 'trunk-users-app.ts');
const UAC_XML = 'trunk-users-uac-invite-200-bye-expect-ok.xml';
/** REGISTERs per second while the devices register (before the measured window). */
const REGISTER_RATE = 100;
/** Bound of the device-b sipp should teardown never run (the runner kills it at exit anyway). */
const RINGING_DEVICES_TIMEOUT_S = 2 * 3600;
/** The app drains (calls in progress end) and closes on SIGTERM; the event log fsyncs on close. */
const APP_STOP_GRACE_MS = 15_000;

interface AppPorts {
  readonly udp: number;
  readonly tcp: number;
  readonly wire: number;
}

function parseReadyLine(line: string): AppPorts | undefined {
  if (!line.startsWith('ready ')) return undefined;
  try {
    const v = JSON.parse(line.slice('ready '.length)) as Partial<AppPorts>;
    return typeof v.udp === 'number' && typeof v.tcp === 'number' && typeof v.wire === 'number' ? { udp: v.udp, tcp: v.tcp, wire: v.wire } : undefined;
  } catch {
    return undefined;
  }
}

function nodeArgs(ctx: ScenarioContext): string[] {
  const { engineProfDir, engineNodeOptions } = ctx.options;
  const args: string[] = engineNodeOptions ? engineNodeOptions.split(/\s+/).filter(Boolean) : [];
  if (engineProfDir) {
    mkdirSync(engineProfDir, { recursive: true });
    args.push('--cpu-prof', '--cpu-prof-dir', resolve(engineProfDir));
  }
  return args;
}

function logFile(ctx: ScenarioContext): { logFile?: string } {
  return ctx.options.engineLog ? { logFile: resolve(ctx.options.engineLog) } : {};
}

/** The engine alone (trunk-users-split): on port 0, read back from its "listening" line. */
function startEngine(ctx: ScenarioContext, secret: string): Promise<ChildProcessHandle<EngineListening>> {
  const args = [...nodeArgs(ctx), join(repoRoot, 'bin', 'linegate'), 'engine',
    '--contact', 'sip:127.0.0.1:0;transport=udp,tcp', '--address', '127.0.0.1', '--port', '0', '--secret', secret, '--loglevel', 'info'];
  return startChildProcess({
    label: 'linegate engine (bin/linegate engine)', command: process.execPath, args, cwd: repoRoot, timeoutMs: 60_000, ready: parseEngineListening, ...logFile(ctx),
  });
}

type Composition = 'thread' | 'inline' | 'split';

function startApp(ctx: ScenarioContext, dir: string, password: string, secret: string, engine: { wire: string } | 'thread' | 'inline'): Promise<ChildProcessHandle<AppPorts>> {
  // --loglevel info, as `linegate run`: nothing is logged per call at info, only the
  // start, one line per accepted REGISTER (before the measured window) and the drain.
  const args = [...nodeArgs(ctx), '--import', 'tsx', appFile, '--dialplan', join(dir, 'dialplan.yaml'), '--var', join(dir, 'var'),
    '--secret', secret, '--loglevel', 'info',
    ...(engine === 'inline' ? ['--engine-inline'] : engine === 'thread' ? [] : ['--engine-wire', engine.wire])];
  process.env[DEVICE_PASSWORD_ENV] = password; // the child inherits it: the dialplan's { env: … } reference
  try {
    return startChildProcess({
      label: 'linegate (trunk-users-app)', command: process.execPath, args, cwd: repoRoot, timeoutMs: 60_000, ready: parseReadyLine, ...logFile(ctx),
    });
  } finally {
    delete process.env[DEVICE_PASSWORD_ENV];
  }
}

/** utime + stime of `pid` in clock ticks, or undefined once it is gone. */
function cpuTicks(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const s = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return s ? s.utimeTicks + s.stimeTicks : undefined;
  } catch {
    return undefined;
  }
}

interface Sut {
  readonly udp: number;
  readonly processes: ReadonlyArray<{ readonly label: string; readonly handle: ChildProcessHandle<unknown> }>;
}

/** linegate: one process (engine on its own thread, or inline), or with `split` the engine first, then the app connected to it. */
async function startLinegate(ctx: ScenarioContext, dir: string, password: string, how: Composition): Promise<Sut> {
  const secret = randomBytes(12).toString('hex');
  if (how !== 'split') {
    const app = await startApp(ctx, dir, password, secret, how);
    return { udp: app.ready.udp, processes: [{ label: how === 'thread' ? 'linegate (engine thread + app)' : 'linegate (engine+app, one thread)', handle: app }] };
  }
  const engine = await startEngine(ctx, secret);
  try {
    const app = await startApp(ctx, dir, password, secret, { wire: `${engine.ready.wire.address}:${engine.ready.wire.port}` });
    return { udp: engine.ready.udp ?? 0, processes: [{ label: 'linegate app', handle: app }, { label: 'linegate engine', handle: engine }] };
  } catch (err) {
    await engine.stop(APP_STOP_GRACE_MS);
    throw err;
  }
}

/** Stops the app first (it drains its calls; srf must not reconnect), then the engine. */
async function stopLinegate(ctx: ScenarioContext, sut: Sut): Promise<void> {
  for (const { label, handle } of sut.processes) {
    const crashed = handle.exited;
    const code = await handle.stop(APP_STOP_GRACE_MS);
    if (crashed) ctx.log(`trunk-users: ${label} had exited during the run (status ${code}): ${handle.stderrTail().trim().slice(-2000)}`);
    else if (handle.stderrTail().trim()) ctx.log(`trunk-users: ${label} stderr: ${handle.stderrTail().trim().slice(-2000)}`);
  }
}

async function setup(ctx: ScenarioContext, how: Composition): Promise<SystemUnderTest> {
  if (ctx.transport !== 'udp') throw new Error('trunk-users runs over UDP only (see trunk-users.ts: devices are reached over the flow they registered on)');
  // linegate runs compiled, as `make run` runs it (bin/linegate → dist/): rebuilt when src/ is newer.
  ensureDist(repoRoot, { skip: ctx.options.noBuild ?? false, log: ctx.log });
  const users = usersInUacXml(join(here, UAC_XML));
  const dir = mkdtempSync(join(tmpdir(), 'linegate-load-trunk-users-sut-'));
  writeFileSync(join(dir, 'dialplan.yaml'), trunkUsersDialplan(users));
  const password = randomBytes(9).toString('base64url');
  let ringing: RingingDevices | undefined;
  let linegate: Sut | undefined;
  try {
    ringing = await startRingingDevices({ dir, scenariosDir: here, timeoutS: RINGING_DEVICES_TIMEOUT_S });
    linegate = await startLinegate(ctx, dir, password, how);
    const pids = linegate.processes.map((p) => `${p.label} pid ${p.handle.pid}`).join(', ');
    ctx.log(`trunk-users: ${pids}, SIP udp 127.0.0.1:${linegate.udp}; ${users} users, devices a -> ${ctx.uas.uri} (answers), b -> 127.0.0.1:${ringing.port} (rings, expects CANCEL)`);
    const reg = await registerDevices({
      dir, scenariosDir: here, target: `127.0.0.1:${linegate.udp}`, users, password, answerPort: ctx.uas.port, ringPort: ringing.port, rate: REGISTER_RATE,
    });
    ctx.log(`trunk-users: ${2 * users} devices registered through the registrar (Digest) in ${reg.seconds.toFixed(1)} s`);
  } catch (err) {
    if (linegate) await stopLinegate(ctx, linegate);
    await ringing?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const sut = linegate;
  const devicesB = ringing;
  const ticksAtStart = cpuTicks(devicesB.pid);
  const t0 = performance.now();
  return {
    target: `127.0.0.1:${sut.udp}`,
    pids: sut.processes.map((p) => p.handle.pid),
    labels: Object.fromEntries(sut.processes.map((p) => [p.handle.pid, p.label])),
    async teardown() {
      const ticks = cpuTicks(devicesB.pid);
      const wallS = (performance.now() - t0) / 1000;
      await stopLinegate(ctx, sut);
      const log = summariseEventLog(join(dir, 'var', 'events'));
      const fmtCounts = (c: Record<string, number>): string => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      ctx.log(`trunk-users: the app's event log: ${fmtCounts(log.byType)}; call.ended by disposition: ${fmtCounts(log.endedBy)}${log.unreadable ? `; ${log.unreadable} unreadable lines` : ''}`);
      const b = await devicesB.stop();
      const cpu = ticks !== undefined && ticksAtStart !== undefined ? ((ticks - ticksAtStart) / 100 / wallS) * 100 : undefined;
      reportDevicesB(ctx, b.last, cpu);
      if (ctx.options.engineProfDir) ctx.log(`trunk-users: CPU profiles of the linegate process(es) written to ${resolve(ctx.options.engineProfDir)}`);
      const failed = (b.last?.failedCalls ?? 1) > 0;
      if (failed) ctx.log(`trunk-users: files kept in ${dir} (uas-b-stat.csv, uas-b-errors.log, var/)`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

function reportDevicesB(ctx: ScenarioContext, row: SippStatRow | undefined, cpuPct: number | undefined): void {
  if (!row) {
    ctx.log('trunk-users: devices b (CANCELled legs): FAILED: no statistics from their sipp');
    return;
  }
  const reasons = Object.entries(row.failures).map(([k, v]) => `${k} ${v}`).join(', ');
  const verdict = row.failedCalls === 0 ? 'ok' : 'FAILED';
  ctx.log(`trunk-users: devices b (CANCELled legs, not in the table below): ${verdict}: ${row.incomingCalls} calls, ${row.successfulCalls} CANCELled with the Reason, ` +
    `${row.failedCalls} failed${reasons ? ` (${reasons})` : ''}, ${row.retransmissions} retransmissions; their sipp used ${cpuPct === undefined ? '?' : cpuPct.toFixed(1)} % CPU (counted in "others")`);
}

/** The three compositions share everything but how linegate is started. */
function trunkUsersScenario(name: string, description: string, how: Composition): Scenario {
  return {
    name, description, uacXml: UAC_XML, uasXml: 'uas-answer-200-expect-bye.xml',
    defaults: { rate: 100, durationS: 60, callLengthMs: 1000 },
    setup: (ctx) => setup(ctx, how),
  };
}

export const trunkUsers = trunkUsersScenario('trunk-users',
  'sipp trunk -> linegate run (one process: the engine on its own thread, registrar + call shell on the main one) -> 200 users x 2 registered sipp devices, simultaneous ring',
  'thread');
export const trunkUsersInline = trunkUsersScenario('trunk-users-inline', 'trunk-users with engine and app on one thread (LINEGATE_ENGINE_THREAD=off)', 'inline');
export const trunkUsersSplit = trunkUsersScenario('trunk-users-split',
  'trunk-users with the engine in its own process (linegate engine + the app over the wire protocol)', 'split');
