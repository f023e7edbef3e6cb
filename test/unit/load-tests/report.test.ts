import assert from 'node:assert/strict';
import { mkdtempSync, appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  answerRate, buildFigures, compareRuns, formatResultRow, LineTail, parseProcStat, parseProcStatus, parseRunArgs,
  parseSippClock, parseSippRttCsv, parseSippStatCsv, parseStatHeader, parseStatLine, percentile, plannedCalls,
  RESULTS_HEADER, sippRateArgs, summarizeLatencies, summarizeSamples, type RunInputs,
} from '../../../load-tests/lib/index.js';
import { UAC_RTT_CSV, UAC_STAT_CSV, UAC_STAT_FAILED_ROW } from './sipp-samples.js';

describe('load-tests: percentiles', () => {
  it('uses the nearest rank, never interpolating', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(percentile(sorted, 50), 5);
    assert.equal(percentile(sorted, 95), 10);
    assert.equal(percentile(sorted, 10), 1);
    assert.equal(percentile(sorted, 11), 2);
    assert.equal(percentile(sorted, 0), 1);
    assert.equal(percentile(sorted, 100), 10);
    assert.equal(percentile([], 50), undefined);
  });

  it('p99 of 1000 samples is the 990th smallest', () => {
    const sorted = Array.from({ length: 1000 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 99), 990);
    assert.equal(percentile(sorted, 99.9), 999);
  });

  it('summarizes unsorted latencies', () => {
    const s = summarizeLatencies([9, 1, 5, 3, 7]);
    assert.deepEqual(s, { count: 5, min: 1, mean: 5, p50: 5, p95: 9, p99: 9, max: 9 });
    assert.equal(summarizeLatencies([]), null);
  });

  it('computes the answer rate between first and last answer, and the best second', () => {
    // 11 answers 100 ms apart from t=1000: 10 intervals over 1 s; second 1 holds 10 of them.
    const instants = Array.from({ length: 11 }, (_, i) => 1000 + i * 100);
    assert.deepEqual(answerRate(instants), { meanCps: 10, peakCps: 10 });
    assert.equal(answerRate([5]), null);
  });
});

describe('load-tests: sipp stat CSV (captured from SIPp v3.6.1)', () => {
  it('parses every snapshot row of a successful run', () => {
    const { header, rows } = parseSippStatCsv(UAC_STAT_CSV);
    assert.ok(header.includes('Retransmissions(C)'));
    assert.equal(rows.length, 5);
    const mid = rows[2];
    assert.ok(mid);
    assert.equal(mid.elapsedS, 2);
    assert.equal(mid.targetRate, 20);
    assert.equal(mid.callRatePeriodic, 20.9372);
    assert.equal(mid.totalCallsCreated, 40);
    assert.equal(mid.currentCalls, 3);
    assert.equal(mid.successfulCalls, 37);
    const last = rows[rows.length - 1];
    assert.ok(last);
    assert.equal(last.totalCallsCreated, 40);
    assert.equal(last.successfulCalls, 40);
    assert.equal(last.failedCalls, 0);
    assert.equal(last.retransmissions, 0);
    assert.deepEqual(last.failures, {});
  });

  it('reports the failure reasons of a failed run, without the FailedCall total', () => {
    const header = parseStatHeader(UAC_STAT_CSV.split('\n')[0] ?? '');
    const row = parseStatLine(header, UAC_STAT_FAILED_ROW);
    assert.ok(row);
    assert.equal(row.totalCallsCreated, 10);
    assert.equal(row.successfulCalls, 0);
    assert.equal(row.failedCalls, 10);
    assert.equal(row.retransmissions, 50);
    assert.deepEqual(row.failures, { FailedTimeoutOnRecv: 10 });
    assert.equal(row.elapsedS, 22);
  });

  it('skips torn and empty lines instead of throwing', () => {
    const header = parseStatHeader(UAC_STAT_CSV.split('\n')[0] ?? '');
    assert.equal(parseStatLine(header, ''), undefined);
    assert.equal(parseStatLine(header, UAC_STAT_FAILED_ROW.slice(0, 120)), undefined);
    assert.deepEqual(parseSippStatCsv(''), { header: [], rows: [] });
  });

  it('reads sipp clock values', () => {
    assert.equal(parseSippClock('00:00:22'), 22);
    assert.equal(parseSippClock('01:02:03'), 3723);
    assert.equal(parseSippClock('00:00:00:004000'), 0.004);
    assert.ok(Number.isNaN(parseSippClock('garbage')));
  });
});

describe('load-tests: sipp RTT trace (captured from SIPp v3.6.1)', () => {
  it('yields one sample per call, skipping the header', () => {
    const samples = parseSippRttCsv(UAC_RTT_CSV);
    assert.equal(samples.length, 7);
    assert.deepEqual(samples[0], { atMs: 52.001, responseMs: 0, rtd: 1 });
    assert.deepEqual(samples[2], { atMs: 156.001, responseMs: 4, rtd: 1 });
    assert.deepEqual(samples[6], { atMs: 2004, responseMs: 0, rtd: 1 });
  });

  it('ignores a torn last line', () => {
    assert.equal(parseSippRttCsv('Date_ms;response_time_ms;rtd_no\n12.001;0;1\n24.0').length, 1);
  });
});

describe('load-tests: /proc parsing', () => {
  it('reads utime and stime after the last parenthesis of the command name', () => {
    const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 2000 0 0 0 731 129 0 0 20 0 11 0 1000 1200000000 20000 18446744073709551615';
    assert.deepEqual(parseProcStat(line), { state: 'S', utimeTicks: 731, stimeTicks: 129 });
    assert.equal(parseProcStat('garbage'), undefined);
    assert.equal(parseProcStat('1 (x) R 1 2'), undefined);
  });

  it('reads a real /proc/self/stat', () => {
    const stat = parseProcStat('23275 (cat) R 23231 23231 2545 0 -1 4194304 99 0 0 0 3 1 0 0 20 0 1 0 127243 3133440 388 18446744073709551615 94090529329152');
    assert.deepEqual(stat, { state: 'R', utimeTicks: 3, stimeTicks: 1 });
  });

  it('reads VmRSS and VmHWM in kB from /proc/<pid>/status', () => {
    const status = parseProcStatus('Name:\tsipp\nState:\tS (sleeping)\nVmHWM:\t   81400 kB\nVmRSS:\t   79012 kB\nThreads:\t1\n');
    assert.deepEqual(status, { name: 'sipp', vmRssKb: 79012, vmHwmKb: 81400 });
    assert.deepEqual(parseProcStatus('Name:\tkworker\n'), { name: 'kworker', vmRssKb: undefined, vmHwmKb: undefined });
  });

  it('turns samples into RSS and CPU figures', () => {
    const probe = { label: 'engine', pid: 7, role: 'under-test' as const };
    const f = summarizeSamples(probe, [
      { atMs: 0, rssKb: 10240, cpuS: 1 },
      { atMs: 1000, rssKb: 20480, cpuS: 1.5 }, // 50 % of a core
      { atMs: 2000, rssKb: 15360, cpuS: 1.6 }, // 10 %
    ]);
    assert.ok(f);
    assert.equal(f.rssStartMb, 10);
    assert.equal(f.rssPeakMb, 20);
    assert.equal(f.rssEndMb, 15);
    assert.ok(Math.abs(f.cpuMaxPct - 50) < 1e-9);
    assert.ok(Math.abs(f.cpuAvgPct - 30) < 1e-9);
    assert.equal(f.cpuSysAvgPct, null, 'no kernel/user split in these samples');
    const split = summarizeSamples(probe, [
      { atMs: 0, rssKb: 10240, cpuS: 1, sysS: 0.25 },
      { atMs: 2000, rssKb: 10240, cpuS: 1.6, sysS: 0.45 }, // 30 % of a core, 10 % in the kernel
    ]);
    assert.ok(split?.cpuSysAvgPct !== null && Math.abs((split?.cpuSysAvgPct ?? 0) - 10) < 1e-9);
    assert.equal(summarizeSamples(probe, []), undefined);
  });
});

describe('load-tests: rate plan', () => {
  it('plans rate x duration calls at a constant rate', () => {
    assert.equal(plannedCalls({ max: 100 }, 10), 1000);
    assert.deepEqual(sippRateArgs({ max: 100 }), ['-r', '100']);
  });

  it('plans the steps of a ramp and holds at the ceiling', () => {
    const profile = { max: 300, ramp: { from: 100, step: 100, everyS: 2 } };
    assert.equal(plannedCalls(profile, 7), 100 * 2 + 200 * 2 + 300 * 2 + 300 * 1);
    assert.deepEqual(sippRateArgs(profile), ['-r', '100', '-rate_increase', '100', '-rate_interval', '2', '-rate_max', '300', '-no_rate_quit']);
  });
});

describe('load-tests: options', () => {
  it('parses a ramp run', () => {
    const r = parseRunArgs(['direct', '--rate', '300', '--ramp-from', '50', '--ramp-step', '50', '--ramp-every', '5', '--transport', 'tcp', '--record']);
    assert.ok(r.ok);
    assert.deepEqual(r.options.scenarios, ['direct']);
    assert.deepEqual(r.options.ramp, { from: 50, step: 50, everyS: 5 });
    assert.equal(r.options.transport, 'tcp');
    assert.equal(r.options.record, true);
  });

  it('rejects incomplete ramps, bad numbers, bad transports and unknown options as values', () => {
    for (const argv of [
      ['direct', '--ramp-from', '10'],
      ['direct', '--rate', 'fast'],
      ['direct', '--transport', 'sctp'],
      ['direct', '--bogus'],
      ['direct', 'other'],
      ['direct', '--compare', 'a,b'],
      ['--compare', 'a'],
    ]) {
      const r = parseRunArgs(argv);
      assert.equal(r.ok, false, argv.join(' '));
    }
  });

  it('takes two scenarios with --compare', () => {
    const r = parseRunArgs(['--compare', 'direct,drachtio-b2bua', '--sip', '127.0.0.1:5060']);
    assert.ok(r.ok);
    assert.deepEqual(r.options.scenarios, ['direct', 'drachtio-b2bua']);
    assert.equal(r.options.scenarioOptions.sip, '127.0.0.1:5060');
  });
});

function inputs(over: Partial<RunInputs>): RunInputs {
  const { rows } = parseSippStatCsv(UAC_STAT_CSV);
  return {
    scenario: 'direct', transport: 'udp', startedAt: '2026-01-02T03:04:05.678Z', wallS: 6,
    plan: { rate: 20, durationS: 2, callLengthMs: 100, maxCalls: 40 },
    uacLast: rows[rows.length - 1], uasLast: undefined, rtt: parseSippRttCsv(UAC_RTT_CSV),
    processes: [], sippVersion: 'SIPp v3.6.1', uacExit: 0, uasExit: 0,
    ...over,
  };
}

describe('load-tests: figures and results rows', () => {
  it('builds figures and marks the run ok only if every call succeeded', () => {
    const f = buildFigures(inputs({}));
    assert.equal(f.ok, true);
    assert.equal(f.calls.attempted, 40);
    assert.equal(f.setupMs?.count, 7);
    assert.equal(f.setupMs?.max, 4);
    const header = parseStatHeader(UAC_STAT_CSV.split('\n')[0] ?? '');
    const failed = buildFigures(inputs({ uacLast: parseStatLine(header, UAC_STAT_FAILED_ROW), uacExit: 1 }));
    assert.equal(failed.ok, false);
    assert.deepEqual(failed.calls.failureReasons, { 'uac FailedTimeoutOnRecv': 10 });
    assert.equal(buildFigures(inputs({ uacExit: 1 })).ok, false);
    assert.equal(buildFigures(inputs({ uacLast: undefined })).ok, false);
  });

  it('computes the CPS ratio b/a', () => {
    const a = buildFigures(inputs({}));
    const b = buildFigures(inputs({ rtt: parseSippRttCsv(UAC_RTT_CSV).map((s) => ({ ...s, atMs: s.atMs / 2 })) }));
    const c = compareRuns(a, b);
    assert.ok(c.cpsRatio !== null && Math.abs(c.cpsRatio - 2) < 1e-9);
  });

  it('writes a RESULTS.md row with as many cells as the header has columns', () => {
    const row = formatResultRow(buildFigures(inputs({})), { commit: 'abc1234', machine: 'CPU | fast, 2 cores', notes: '' });
    const headerLine = RESULTS_HEADER.split('\n').find((l) => l.startsWith('| date'));
    assert.ok(headerLine);
    const cells = (l: string): number => l.replace(/\\\|/g, '').split('|').length;
    assert.equal(cells(row.trim()), cells(headerLine));
    assert.match(row, /\| 2026-01-02T03:04:05Z \| abc1234 \| CPU \\\| fast, 2 cores \| direct \| udp \|/);
  });
});

describe('load-tests: LineTail', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'linegate-linetail-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns only complete new lines, keeping a torn line for the next read', () => {
    const path = join(dir, 'stat.csv');
    const tail = new LineTail(path);
    assert.deepEqual(tail.readNewLines(), []);
    writeFileSync(path, 'a;b\n1;2\n3;');
    assert.deepEqual(tail.readNewLines(), ['a;b', '1;2']);
    appendFileSync(path, '4\r\n');
    assert.deepEqual(tail.readNewLines(), ['3;4']);
    assert.deepEqual(tail.readNewLines(), []);
    tail.close();
  });
});
