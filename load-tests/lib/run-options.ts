/**
 * Command-line options of `npm run load -- <scenario> [options]` (pure: argv in, a
 * result value out; usage errors are values, the entry point prints them).
 */
import { parseArgs } from 'node:util';
import type { Ramp } from './rate-profile.js';
import type { Transport } from './sipp-args.js';
import type { ScenarioOptions } from './scenario-types.js';

export interface RunOptions {
  /** One scenario, or two with --compare. */
  readonly scenarios: readonly string[];
  readonly compare: boolean;
  readonly rate?: number;
  readonly ramp?: Ramp;
  readonly durationS?: number;
  /** Seconds at the same rate before the measured window, left out of the figures. */
  readonly warmupS?: number;
  readonly callLengthMs?: number;
  readonly maxCalls?: number;
  readonly transport: Transport;
  readonly jsonPath?: string;
  readonly record: boolean;
  readonly notes: string;
  /** A memory run: --duration defaults to 300 s and the report adds the RSS trend. */
  readonly soak: boolean;
  /** Keep sipp's files (stat CSVs, RTT trace) even when the run succeeded. */
  readonly keepFiles: boolean;
  readonly scenarioOptions: ScenarioOptions;
  readonly help: boolean;
}

export type OptionsResult = { ok: true; options: RunOptions } | { ok: false; error: string };

const SPEC = {
  rate: { type: 'string' },
  'ramp-from': { type: 'string' },
  'ramp-step': { type: 'string' },
  'ramp-every': { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  'call-length': { type: 'string' },
  'max-calls': { type: 'string' },
  transport: { type: 'string' },
  json: { type: 'string' },
  record: { type: 'boolean' },
  notes: { type: 'string' },
  compare: { type: 'string' },
  drachtio: { type: 'string' },
  secret: { type: 'string' },
  sip: { type: 'string' },
  'engine-pid': { type: 'string' },
  'engine-bin': { type: 'string' },
  'engine-prof': { type: 'string' },
  'engine-node-options': { type: 'string' },
  'engine-log': { type: 'string' },
  'no-build': { type: 'boolean' },
  soak: { type: 'boolean' },
  'keep-files': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

/** Issue #2: memory must stay flat over a 5-minute run. */
const SOAK_DURATION_S = 300;

/** A number option: undefined when absent, UsageError when not a number in range. */
function numberOpt(values: Record<string, unknown>, name: string, opts: { integer?: boolean; min: number }): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || Number.isNaN(n) || n < opts.min || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${opts.integer ? 'an integer' : 'a number'} >= ${opts.min}, got "${String(raw)}"`);
  }
  return n;
}

function hostPort(values: Record<string, unknown>, name: string): string | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[^\s:]+:\d{1,5}$/.test(raw)) throw new UsageError(`--${name} must be host:port, got "${String(raw)}"`);
  return raw;
}

function parseRamp(values: Record<string, unknown>): Ramp | undefined {
  const from = numberOpt(values, 'ramp-from', { min: 0.1 });
  const step = numberOpt(values, 'ramp-step', { min: 0.1 });
  const everyS = numberOpt(values, 'ramp-every', { min: 1, integer: true });
  const given = [from, step, everyS].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (from === undefined || step === undefined || everyS === undefined) {
    throw new UsageError('--ramp-from, --ramp-step and --ramp-every go together');
  }
  return { from, step, everyS };
}

function parseTransport(raw: unknown): Transport {
  if (raw === undefined || raw === 'udp') return 'udp';
  if (raw === 'tcp') return 'tcp';
  throw new UsageError(`--transport must be udp or tcp, got "${String(raw)}"`);
}

function parseScenarioNames(positionals: readonly string[], compare: unknown): string[] {
  if (typeof compare === 'string') {
    const names = compare.split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length !== 2 || positionals.length > 0) throw new UsageError('--compare takes exactly two scenarios, "a,b", and no positional scenario');
    return names;
  }
  if (positionals.length !== 1) throw new UsageError('name exactly one scenario (or use --compare a,b)');
  return [...positionals];
}

export function parseRunArgs(argv: readonly string[]): OptionsResult {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: SPEC, allowPositionals: true, strict: true });
    if (values.help) return { ok: true, options: emptyHelp() };
    const rate = numberOpt(values, 'rate', { min: 0.1 });
    const ramp = parseRamp(values);
    if (ramp && rate !== undefined && rate < ramp.from) throw new UsageError('--rate (the ramp ceiling) is below --ramp-from');
    const warmupS = numberOpt(values, 'warmup', { min: 0, integer: true });
    if (ramp && warmupS) throw new UsageError('--warmup runs at the constant --rate: it does not go with a ramp');
    const options: RunOptions = {
      scenarios: parseScenarioNames(positionals, values.compare),
      compare: values.compare !== undefined,
      rate,
      ramp,
      durationS: numberOpt(values, 'duration', { min: 1 }) ?? (values.soak ? SOAK_DURATION_S : undefined),
      warmupS,
      callLengthMs: numberOpt(values, 'call-length', { min: 0, integer: true }),
      maxCalls: numberOpt(values, 'max-calls', { min: 1, integer: true }),
      transport: parseTransport(values.transport),
      jsonPath: values.json,
      record: values.record ?? false,
      notes: values.notes ?? '',
      soak: values.soak ?? false,
      keepFiles: values['keep-files'] ?? false,
      scenarioOptions: {
        drachtio: hostPort(values, 'drachtio'),
        secret: values.secret,
        sip: hostPort(values, 'sip'),
        enginePid: numberOpt(values, 'engine-pid', { min: 1, integer: true }),
        engineBin: values['engine-bin'],
        engineProfDir: values['engine-prof'],
        engineNodeOptions: values['engine-node-options'],
        engineLog: values['engine-log'],
        noBuild: values['no-build'] ?? false,
      },
      help: false,
    };
    return { ok: true, options };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function emptyHelp(): RunOptions {
  return { scenarios: [], compare: false, transport: 'udp', record: false, notes: '', soak: false, keepFiles: false, scenarioOptions: {}, help: true };
}

export const USAGE = `usage: npm run load -- <scenario> [options]
       npm run load -- --compare <a>,<b> [options]

  --rate N             target calls per second (the ceiling when ramping)
  --ramp-from N        ramp: start at N cps ...
  --ramp-step N        ... add N cps ...
  --ramp-every S       ... every S seconds (integer), then hold at --rate
  --duration S         seconds of call generation (measured)
  --warmup S           first S seconds at the same rate, left out of every figure
                       (JIT and heap warm-up of a freshly started system)
  --call-length MS     time between ACK and BYE (sipp -d)
  --max-calls N        stop after N calls even before --duration
  --transport udp|tcp  SIP transport (default udp)
  --json FILE          write the figures as JSON
  --record             append a row to load-tests/RESULTS.md
  --notes TEXT         notes column of the recorded row
  --keep-files         keep sipp's files (stats, RTT trace) even after a successful run
  --compare a,b        run a then b with the same options, print the CPS ratio b/a
  --soak               memory run: --duration defaults to 300 s; reports RSS first/last/
                       peak and the least-squares slope (MB/min) of each process under test
  --drachtio HOST:PORT, --secret S, --sip HOST:PORT, --engine-pid N
                       for drachtio-b2bua (an engine started by you; see README.md)
  --engine-bin PATH    engine-b2bua: the linegate launcher to run (default bin/linegate)
  --engine-prof DIR    engine-b2bua: run the engine with --cpu-prof, profiles in DIR
  --engine-node-options=OPTS  engine-b2bua: more node options for the engine (e.g. =--trace-gc)
  --engine-log FILE    engine-b2bua: append the engine's stdout/stderr to FILE
  --no-build           engine-b2bua: run dist/ as it is even if src/ is newer`;
