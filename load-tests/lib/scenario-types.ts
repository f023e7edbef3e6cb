/**
 * What a load scenario is: the two sipp XML files, default load, and optionally a
 * `setup` hook that starts the system under test (an engine + a call-control app) and
 * tells the runner where to send calls and which processes to sample.
 */
import type { Transport } from './sipp-args.js';

export interface ScenarioDefaults {
  /** Calls per second. */
  readonly rate: number;
  readonly durationS: number;
  readonly callLengthMs: number;
}

/** Options that only some scenarios use (from the command line). */
export interface ScenarioOptions {
  /** host:port of the drachtio wire-protocol (admin) socket of the engine. */
  readonly drachtio?: string;
  readonly secret?: string;
  /** host:port where the engine receives SIP. */
  readonly sip?: string;
  /** An engine process started outside the runner, sampled like the others. */
  readonly enginePid?: number;
  /** engine-b2bua: the launcher to run instead of the repository's bin/linegate. */
  readonly engineBin?: string;
  /** engine-b2bua: write a V8 CPU profile of the engine into this folder (node --cpu-prof). */
  readonly engineProfDir?: string;
  /** engine-b2bua: more node options for the engine, space-separated (e.g. `--trace-gc`). */
  readonly engineNodeOptions?: string;
  /** engine-b2bua: append the engine's stdout and stderr to this file. */
  readonly engineLog?: string;
  /** engine-b2bua: do not rebuild a stale dist/. */
  readonly noBuild?: boolean;
}

export interface ScenarioContext {
  readonly transport: Transport;
  /** The sipp UAS, already listening: where the system under test sends the B legs. */
  readonly uas: { readonly host: string; readonly port: number; readonly uri: string };
  readonly options: ScenarioOptions;
  /** Progress messages for the operator. */
  readonly log: (line: string) => void;
}

export interface SystemUnderTest {
  /** host:port the sipp UAC sends its INVITEs to. */
  readonly target: string;
  /** Processes to sample (RSS, CPU); `process.pid` means "in this process". */
  readonly pids: readonly number[];
  /** Names for the report, by pid (default: the process's /proc comm). */
  readonly labels?: Readonly<Record<number, string>>;
  /** Stops what setup started; called once, also after a failed or interrupted run. */
  teardown(): Promise<void>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** File names inside load-tests/scenarios/. */
  readonly uacXml: string;
  readonly uasXml: string;
  /** Files to use instead over TCP, where sipp needs different scenarios. */
  readonly tcp?: { readonly uacXml?: string; readonly uasXml?: string };
  readonly defaults: ScenarioDefaults;
  /** Absent: the UAC calls the UAS directly (sipp to sipp). */
  setup?(ctx: ScenarioContext): Promise<SystemUnderTest>;
}

/** The XML files of `s` for `transport`. */
export function scenarioXml(s: Scenario, transport: Transport): { uacXml: string; uasXml: string } {
  if (transport === 'tcp') return { uacXml: s.tcp?.uacXml ?? s.uacXml, uasXml: s.tcp?.uasXml ?? s.uasXml };
  return { uacXml: s.uacXml, uasXml: s.uasXml };
}
