/**
 * One load run: sipp UAS, the system under test (scenario setup), sipp UAC; progress
 * every second; soft stop at the end of the duration; report figures. Bounded: sipp
 * has -m and -timeout, and the runner SIGTERMs/SIGKILLs whatever outlives its deadline.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFigures, type LoadPlan, type RunFigures } from './figures.js';
import { MachineLoadProbe, type MachineLoad } from './machine-load.js';
import { findFreeMediaPort, findFreePort } from './free-port.js';
import { ProcessSampler, probeFor, procProbe, type ProcessFigures } from './process-sampler.js';
import { plannedCalls } from './rate-profile.js';
import type { RunOptions } from './run-options.js';
import { scenarioXml, type Scenario, type SystemUnderTest } from './scenario-types.js';
import { buildUacArgs, buildUasArgs, LOOPBACK, type SippPorts } from './sipp-args.js';
import { settlesWithin, SippProcess, sippVersion, type SippExit } from './sipp-process.js';
import { parseSippRttCsv, type RttSample } from './sipp-rtt-csv.js';
import { parseSippStatCsv, type SippStatRow } from './sipp-stat-csv.js';
import { formatProgress, StatFollower } from './stat-follower.js';

/** A call waiting longer than this for a response is aborted by sipp (and counted failed). */
const RECV_TIMEOUT_MS = 20_000;
/** The UAS scenario lingers 4 s in timewait after the last BYE; give it a little more. */
const UAS_DRAIN_MS = 6_000;

export interface RunRequest {
  readonly scenario: Scenario;
  readonly options: RunOptions;
  /** Absolute folder of the sipp XML files. */
  readonly scenariosDir: string;
  readonly log: (line: string) => void;
  /** Aborted on the first SIGINT: stop creating calls, finish, report. */
  readonly interrupt: AbortSignal;
}

export interface RunResult {
  readonly figures: RunFigures;
  /** sipp's files (stats, RTT, error traces); kept only when the run failed. */
  readonly runDir: string | undefined;
}

export function resolvePlan(s: Scenario, o: RunOptions): LoadPlan {
  const rate = o.rate ?? s.defaults.rate;
  const durationS = o.durationS ?? s.defaults.durationS;
  const warmupS = o.warmupS ?? 0;
  const planned = plannedCalls({ max: rate, ramp: o.ramp }, warmupS + durationS);
  return {
    rate,
    ramp: o.ramp,
    durationS,
    ...(warmupS > 0 ? { warmupS } : {}),
    callLengthMs: o.callLengthMs ?? s.defaults.callLengthMs,
    maxCalls: Math.min(planned, o.maxCalls ?? planned),
  };
}

async function sippPorts(used: Set<number>): Promise<SippPorts> {
  const fresh = async (find: () => Promise<number>, span: number): Promise<number> => {
    for (;;) {
      const p = await find();
      if (!used.has(p) && !used.has(p + span)) {
        used.add(p).add(p + span);
        return p;
      }
    }
  };
  return { sip: await fresh(findFreePort, 0), control: await fresh(findFreePort, 0), media: await fresh(findFreeMediaPort, 2) };
}

function processLabel(pid: number, labels: Readonly<Record<number, string>> | undefined): string {
  const named = labels?.[pid];
  if (named !== undefined) return named;
  if (pid === process.pid) return 'in-process (runner)';
  try {
    return `${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()} (under test)`;
  } catch {
    return `pid ${pid} (under test)`;
  }
}

/** Waits for sipp's first stat row, the sign it has bound its sockets; fails if sipp dies. */
async function waitUntilStarted(p: SippProcess, stats: StatFollower, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (stats.poll()) return;
    if (await settlesWithin(p.exited, 100)) {
      const exit = await p.exited;
      throw new Error(`${p.label} exited at start (status ${exit.code}): ${exit.stderrTail.trim()}`);
    }
  }
  throw new Error(`${p.label} wrote no statistics within ${ms} ms`);
}

/** The first stat row at or after `elapsedS` (sipp writes one a second), from the whole file. */
function rowAt(statFile: string, elapsedS: number): SippStatRow | undefined {
  try {
    return parseSippStatCsv(readFileSync(statFile, 'utf8')).rows.find((r) => r.elapsedS >= elapsedS);
  } catch {
    return undefined;
  }
}

function readRtt(runDir: string): RttSample[] {
  const file = readdirSync(runDir).find((f) => f.endsWith('_rtt.csv'));
  return file ? parseSippRttCsv(readFileSync(join(runDir, file), 'utf8')) : [];
}

/**
 * A progress line each time sipp writes a stat row (once a second, `-fd 1`), polled
 * every 250 ms so the line follows sipp's own clock; soft stop one second after the
 * planned duration (sipp normally stops by itself at `-m` before that) or on interrupt;
 * SIGTERM/SIGKILL at the hard deadline.
 */
async function driveUac(
  req: RunRequest, uac: SippProcess, uacStats: StatFollower, uasStats: StatFollower, plan: LoadPlan, deadlineMs: number,
  onWarmupEnd: () => void,
): Promise<SippExit> {
  const started = performance.now();
  const warmupMs = (plan.warmupS ?? 0) * 1000;
  let warm = warmupMs === 0;
  const softStop = (why: string): void => {
    if (!uac.running) return;
    req.log(`${why}: no new calls, waiting for the calls in progress`);
    uac.softStop();
  };
  const onInterrupt = (): void => softStop('interrupted');
  req.interrupt.addEventListener('abort', onInterrupt, { once: true });
  let stopped = false;
  let lastRow = uacStats.last;
  let lastPrintMs = started;
  const poller = setInterval(() => {
    const now = performance.now();
    const row = uacStats.poll();
    const uasRow = uasStats.poll();
    if (row !== lastRow || now - lastPrintMs > 2000) {
      lastRow = row;
      lastPrintMs = now;
      req.log(formatProgress((now - started) / 1000, row, uasRow));
    }
    if (!warm && now - started >= warmupMs) {
      warm = true;
      req.log('warm-up over: measuring from here');
      onWarmupEnd();
    }
    if (!stopped && now - started >= (warmupMs / 1000 + plan.durationS + 1) * 1000) {
      stopped = true;
      softStop('duration reached');
    }
  }, 250);
  try {
    return await uac.exitWithin(deadlineMs);
  } finally {
    clearInterval(poller);
    req.interrupt.removeEventListener('abort', onInterrupt);
  }
}

interface RunFiles {
  readonly dir: string;
  path(name: string): string;
}

function startUas(req: RunRequest, plan: LoadPlan, ports: SippPorts, timeoutS: number, files: RunFiles): SippProcess {
  return SippProcess.start('sipp uas', buildUasArgs({
    scenarioXml: join(req.scenariosDir, scenarioXml(req.scenario, req.options.transport).uasXml), transport: req.options.transport, ports,
    maxCalls: plan.maxCalls, timeoutS, statFile: files.path('uas-stat.csv'), errorFile: files.path('uas-errors.log'),
  }), files.dir);
}

function startUac(req: RunRequest, plan: LoadPlan, ports: SippPorts, timeoutS: number, files: RunFiles, target: string): SippProcess {
  return SippProcess.start('sipp uac', buildUacArgs({
    scenarioXml: join(req.scenariosDir, scenarioXml(req.scenario, req.options.transport).uacXml), transport: req.options.transport, ports,
    maxCalls: plan.maxCalls, timeoutS, statFile: files.path('uac-stat.csv'), errorFile: files.path('uac-errors.log'),
    target, rate: { max: plan.rate, ramp: plan.ramp }, callLengthMs: plan.callLengthMs, recvTimeoutMs: RECV_TIMEOUT_MS,
    // Room for 5 s of setup time per call at the ceiling rate before sipp holds back new calls.
    maxOpenCalls: Math.ceil(plan.rate * (plan.callLengthMs / 1000 + 5)) + 100,
  }), files.dir);
}

export async function runScenario(req: RunRequest): Promise<RunResult> {
  const { scenario, options } = req;
  const plan = resolvePlan(scenario, options);
  const dir = mkdtempSync(join(tmpdir(), `linegate-load-${scenario.name}-`));
  const files: RunFiles = { dir, path: (name) => join(dir, name) };
  const used = new Set<number>();
  const uasPorts = await sippPorts(used);
  const uacPorts = await sippPorts(used);
  const timeoutS = (plan.warmupS ?? 0) + plan.durationS + plan.callLengthMs / 1000 + RECV_TIMEOUT_MS / 1000 + 15;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const uasStats = new StatFollower(files.path('uas-stat.csv'));
  const uacStats = new StatFollower(files.path('uac-stat.csv'));
  const sampler = new ProcessSampler(1000);
  const machineProbe = new MachineLoadProbe();
  let machine: MachineLoad | undefined;
  const uas = startUas(req, plan, uasPorts, timeoutS + 10, files);
  let sut: SystemUnderTest | undefined;
  let uac: SippProcess | undefined;
  let uacExit: SippExit | undefined;
  let uasExit: SippExit | undefined;
  let processes: ProcessFigures[] = [];
  let threw = false;
  try {
    await waitUntilStarted(uas, uasStats, 5000);
    if (scenario.setup) {
      req.log(`${scenario.name}: starting the system under test`);
      const uri = `sip:service@${LOOPBACK}:${uasPorts.sip}`;
      sut = await scenario.setup({ transport: options.transport, uas: { host: LOOPBACK, port: uasPorts.sip, uri }, options: options.scenarioOptions, log: req.log });
    }
    for (const pid of sut?.pids ?? []) sampler.add(probeFor(pid, processLabel(pid, sut?.labels), 'under-test'));
    const target = sut?.target ?? `${LOOPBACK}:${uasPorts.sip}`;
    uac = startUac(req, plan, uacPorts, timeoutS, files, target);
    for (const p of [uas, uac]) if (p.pid !== undefined) sampler.add(probeFor(p.pid, p.label, 'load-generator'));
    // The runner itself (stat tailing, sampling), so that the machine's "others" leaves it out.
    if (!sut?.pids.includes(process.pid)) sampler.add(procProbe(process.pid, 'runner', 'load-generator'));
    sampler.start();
    let measureFromMs = performance.now();
    const beginMeasuring = (): void => {
      measureFromMs = performance.now();
      machineProbe.begin();
    };
    if (!plan.warmupS) beginMeasuring();
    req.log(`${scenario.name}: sipp uac -> ${target} (${options.transport}); sipp files in ${dir}`);
    uacExit = await driveUac(req, uac, uacStats, uasStats, plan, (timeoutS + 5) * 1000, beginMeasuring);
    // The load is over: the UAS drain would only dilute the CPU averages.
    machine = machineProbe.end(sampler.stop(measureFromMs).reduce((sum, p) => sum + p.cpuAvgPct, 0));
    uas.softStop();
    uasExit = await uas.exitWithin(UAS_DRAIN_MS);
  } catch (err) {
    threw = true;
    throw err;
  } finally {
    processes = sampler.stop();
    uac?.signal('SIGKILL');
    uas.signal('SIGKILL');
    await sut?.teardown();
    for (const s of [uacStats, uasStats]) {
      s.poll();
      s.close();
    }
    if (threw) rmSync(dir, { recursive: true, force: true }); // no run happened: nothing to keep
  }
  const atWarmupEnd = plan.warmupS ? { uacAtWarmupEnd: rowAt(files.path('uac-stat.csv'), plan.warmupS), uasAtWarmupEnd: rowAt(files.path('uas-stat.csv'), plan.warmupS) } : {};
  const figures = buildFigures({
    ...atWarmupEnd,
    scenario: scenario.name, transport: options.transport, startedAt, wallS: (performance.now() - t0) / 1000, plan,
    uacLast: uacStats.last, uasLast: uasStats.last, rtt: readRtt(dir), processes, machine,
    sippVersion: sippVersion() ?? 'unknown', uacExit: uacExit?.code ?? null, uasExit: uasExit?.code ?? null,
  });
  if (!figures.ok && uacExit?.stderrTail.trim()) req.log(`sipp uac stderr: ${uacExit.stderrTail.trim().slice(-1000)}`);
  const keep = !figures.ok || options.keepFiles;
  if (!keep) rmSync(dir, { recursive: true, force: true });
  return { figures, runDir: keep ? dir : undefined };
}
