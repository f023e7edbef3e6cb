/**
 * The load runner: `npm run load -- <scenario> [options]` (see load-tests/README.md).
 * Starts sipp against the system under test, prints progress every second and a final
 * report; exits non-zero when any call failed (after printing the report).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  appendResultRows, compareRuns, fmt, formatComparison, formatMemoryTrend, formatReport, formatResultRow, gitRevision, killAllSipp,
  machineDescription, memoryTrendNote, parseRunArgs, runScenario, sippVersion, USAGE, type RunFigures, type RunOptions,
} from './lib/index.js';
import { findScenario, SCENARIOS } from './scenarios/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string): void => console.log(line);

function scenarioList(): string {
  return SCENARIOS.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n');
}

/** First SIGINT: stop creating calls and report. Second: kill everything now. */
function installSignalHandlers(): AbortController {
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (!interrupt.signal.aborted) {
      log('SIGINT: finishing the calls in progress, then reporting (SIGINT again to kill)');
      interrupt.abort();
      return;
    }
    killAllSipp();
    process.exit(130);
  });
  process.on('exit', killAllSipp);
  return interrupt;
}

async function runOne(name: string, options: RunOptions, interrupt: AbortSignal): Promise<RunFigures> {
  const scenario = findScenario(name);
  if (!scenario) throw new Error(`unknown scenario "${name}"; known:\n${scenarioList()}`);
  const { figures, runDir } = await runScenario({ scenario, options, scenariosDir: join(here, 'scenarios'), log, interrupt });
  log('');
  log(formatReport(figures));
  if (options.soak) log(`\nmemory (RSS sampled every second, least-squares slope):\n${formatMemoryTrend(figures)}`);
  if (runDir) log(`sipp files kept for inspection (stats, RTT trace, error traces): ${runDir}`);
  log('');
  return figures;
}

function record(options: RunOptions, runs: readonly RunFigures[], cpsRatio: number | null): void {
  const context = { commit: gitRevision(here), machine: machineDescription() };
  const compareNote = (i: number): string =>
    runs.length === 2 ? `compare ${runs[0]?.scenario},${runs[1]?.scenario} #${i + 1}; CPS ratio b/a ${fmt(cpsRatio, 3)}` : '';
  const soakNote = (f: RunFigures): string => (options.soak ? `soak: ${memoryTrendNote(f)}` : '');
  const rows = runs.map((f, i) => formatResultRow(f, { ...context, notes: [compareNote(i), options.notes, soakNote(f)].filter(Boolean).join('; ') }));
  const path = join(here, 'RESULTS.md');
  appendResultRows(path, rows);
  log(`recorded ${rows.length} row(s) in ${path}`);
}

async function main(): Promise<number> {
  const parsed = parseRunArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`${parsed.error}\n\n${USAGE}\n\nscenarios:\n${scenarioList()}`);
    return 2;
  }
  const options = parsed.options;
  if (options.help) {
    log(`${USAGE}\n\nscenarios:\n${scenarioList()}`);
    return 0;
  }
  const unknown = options.scenarios.filter((name) => !findScenario(name));
  if (unknown.length > 0) {
    console.error(`unknown scenario(s) ${unknown.join(', ')}; known:\n${scenarioList()}`);
    return 2;
  }
  if (!sippVersion()) {
    console.error('sipp not found: install it with `apt-get install -y sip-tester`');
    return 2;
  }
  const interrupt = installSignalHandlers();
  const runs: RunFigures[] = [];
  for (const name of options.scenarios) {
    if (interrupt.signal.aborted) break;
    runs.push(await runOne(name, options, interrupt.signal));
  }
  const [a, b] = runs;
  const comparison = a && b ? compareRuns(a, b) : undefined;
  if (comparison) log(`${formatComparison(comparison)}\n`);
  if (options.jsonPath) {
    const json = comparison ?? runs[0];
    writeFileSync(options.jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    log(`figures written to ${options.jsonPath}`);
  }
  const interrupted = interrupt.signal.aborted;
  if (options.record) record({ ...options, notes: [interrupted ? 'interrupted' : '', options.notes].filter(Boolean).join('; ') }, runs, comparison?.cpsRatio ?? null);
  if (interrupted) return 130;
  const complete = runs.length === options.scenarios.length;
  return complete && runs.every((f) => f.ok) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    killAllSipp();
    process.exitCode = 1;
  },
);
