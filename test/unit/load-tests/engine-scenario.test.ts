import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  busyPctOfOneCore, distState, leastSquaresSlope, memoryTrendNote, newestMtimeMs, parseEngineListening,
  parseProcStatCpu, parseRunArgs, rssTrend, summarizeSamples, buildFigures, formatResultRow, machineNote, summarizeCpuProfile,
  formatProfileSummary, rssTimeline, warmupNote, describePlan, ProcessSampler, type RunInputs, type SippStatRow,
} from '../../../load-tests/lib/index.js';

// The line `bin/linegate engine --loglevel info` printed (pino), captured from a real run.
const LISTENING = '{"level":30,"time":1795325724924,"service":"linegate","sip":"udp/127.0.0.1:50671, tcp/127.0.0.1:43613",' +
  '"wire":{"address":"127.0.0.1","port":42885},"msg":"linegate engine listening"}';

describe('load-tests: the engine\'s listening line', () => {
  it('reads the SIP ports by transport and the wire address', () => {
    assert.deepEqual(parseEngineListening(LISTENING), { udp: 50671, tcp: 43613, wire: { address: '127.0.0.1', port: 42885 } });
  });

  it('handles a UDP-only engine and IPv6 listeners', () => {
    const line = LISTENING.replace('udp/127.0.0.1:50671, tcp/127.0.0.1:43613', 'udp/[::1]:5060');
    assert.deepEqual(parseEngineListening(line), { udp: 5060, wire: { address: '127.0.0.1', port: 42885 } });
  });

  it('ignores every other line, including torn or lookalike ones', () => {
    assert.equal(parseEngineListening('{"level":30,"msg":"wire app authenticated"}'), undefined);
    assert.equal(parseEngineListening(LISTENING.slice(0, 60)), undefined);
    assert.equal(parseEngineListening('linegate engine listening'), undefined);
    assert.equal(parseEngineListening(LISTENING.replace('"port":42885', '"port":"42885"')), undefined);
  });
});

describe('load-tests: RSS trend', () => {
  it('fits a least-squares slope', () => {
    assert.equal(leastSquaresSlope([0, 1, 2, 3], [1, 3, 5, 7]), 2);
    assert.equal(leastSquaresSlope([0, 1, 2, 3], [5, 5, 5, 5]), 0);
    assert.equal(leastSquaresSlope([1, 1], [1, 2]), null);
    assert.equal(leastSquaresSlope([1], [1]), null);
  });

  it('reports MB/min over the run and after the warm-up', () => {
    // 5 minutes, one sample a second: +100 MB in the first minute, then flat ± 1 MB noise.
    const points = Array.from({ length: 301 }, (_, s) => ({
      atMs: s * 1000,
      rssKb: 1024 * (s < 60 ? 100 + (100 * s) / 60 : 200 + (s % 2 === 0 ? 1 : -1)),
    }));
    const t = rssTrend(points);
    assert.equal(t.warmupS, 150);
    assert.ok(t.slopeMbPerMin !== null && t.slopeMbPerMin > 5, `whole-run slope ${t.slopeMbPerMin}`);
    assert.ok(t.steadySlopeMbPerMin !== null && Math.abs(t.steadySlopeMbPerMin) < 0.05, `steady slope ${t.steadySlopeMbPerMin}`);
  });

  it('finds a steady leak of 2 MB/min and leaves short runs without a steady slope', () => {
    const leak = Array.from({ length: 200 }, (_, s) => ({ atMs: s * 1500, rssKb: 1024 * (80 + (2 * s * 1.5) / 60) }));
    const t = rssTrend(leak);
    assert.ok(t.steadySlopeMbPerMin !== null && Math.abs(t.steadySlopeMbPerMin - 2) < 1e-6);
    const short = rssTrend(leak.slice(0, 9));
    assert.equal(short.steadySlopeMbPerMin, null);
    assert.deepEqual(rssTrend([]), { slopeMbPerMin: null, steadySlopeMbPerMin: null, warmupS: 0 });
  });

  it('keeps the first RSS value at or after each step mark; a gap skips the marks it covers', () => {
    const points = [0, 1000, 2000, 3000, 7000, 8000].map((atMs, i) => ({ atMs, rssKb: 1024 * (i + 1) }));
    assert.deepEqual(rssTimeline(points, 2000), [
      { atS: 0, rssMb: 1 }, { atS: 2, rssMb: 3 }, { atS: 7, rssMb: 5 }, { atS: 8, rssMb: 6 },
    ]);
    assert.deepEqual(rssTimeline([], 1000), []);
  });

  it('is part of every process summary and of the soak note', () => {
    const samples = Array.from({ length: 30 }, (_, s) => ({ atMs: s * 1000, rssKb: 1024 * (50 + s), cpuS: s * 0.1 }));
    const f = summarizeSamples({ label: 'engine', pid: 1, role: 'under-test' }, samples);
    assert.ok(f);
    assert.ok(Math.abs((f.rssSlopeMbPerMin ?? 0) - 60) < 1e-6);
    const figures = buildFigures({ ...baseInputs(), processes: [f] });
    assert.match(memoryTrendNote(figures), /^engine RSS first\/last\/peak 50\.0\/79\.0\/79\.0 MB, slope 60\.000 MB\/min \(after 15 s warm-up 60\.000\)$/);
  });
});

describe('load-tests: machine load', () => {
  it('reads the aggregate cpu line of /proc/stat', () => {
    const text = 'cpu  205704 3746 39232 371680 1787 0 5015 672 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1\n';
    assert.deepEqual(parseProcStatCpu(text), { busy: 205704 + 3746 + 39232 + 0 + 5015 + 672, total: 205704 + 3746 + 39232 + 5015 + 672 + 371680 + 1787 });
    assert.equal(parseProcStatCpu('intr 1\n'), undefined);
  });

  it('turns two readings into % of one core', () => {
    assert.equal(busyPctOfOneCore({ busy: 100, total: 400 }, { busy: 250, total: 600 }, 2), 150);
    assert.equal(busyPctOfOneCore({ busy: 1, total: 1 }, { busy: 1, total: 1 }, 2), null);
  });

  it('goes into the notes of a recorded row', () => {
    const f = buildFigures({ ...baseInputs(), machine: { load1AtStart: 0.42, cores: 2, busyPct: 151.2, othersPct: 9.6 } });
    assert.equal(machineNote(f), 'load1 0.42 at start; machine busy 151 % of 200; others 10 %');
    const row = formatResultRow(f, { commit: 'c', machine: 'm', notes: 'ramp' });
    assert.match(row, /\| ramp; load1 0\.42 at start; machine busy 151 % of 200; others 10 % \|\n$/);
  });
});

describe('load-tests: engine-b2bua options', () => {
  it('--soak makes the run 5 minutes unless --duration says otherwise', () => {
    const soak = parseRunArgs(['engine-b2bua', '--soak', '--rate', '300']);
    assert.ok(soak.ok);
    assert.equal(soak.options.soak, true);
    assert.equal(soak.options.durationS, 300);
    const short = parseRunArgs(['engine-b2bua', '--soak', '--duration', '30']);
    assert.ok(short.ok);
    assert.equal(short.options.durationS, 30);
    const plain = parseRunArgs(['engine-b2bua']);
    assert.ok(plain.ok);
    assert.equal(plain.options.soak, false);
    assert.equal(plain.options.durationS, undefined);
  });

  it('passes the engine options through to the scenario', () => {
    const r = parseRunArgs(['engine-b2bua', '--engine-bin', '/x/bin/linegate', '--engine-prof', 'prof', '--no-build']);
    assert.ok(r.ok);
    assert.deepEqual(
      { bin: r.options.scenarioOptions.engineBin, prof: r.options.scenarioOptions.engineProfDir, noBuild: r.options.scenarioOptions.noBuild },
      { bin: '/x/bin/linegate', prof: 'prof', noBuild: true },
    );
  });
});

describe('load-tests: is dist/ fresh?', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'linegate-dist-'));
    mkdirSync(join(root, 'src', 'sip'), { recursive: true });
    mkdirSync(join(root, 'dist'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const touch = (path: string, atS: number): void => {
    writeFileSync(path, '');
    utimesSync(path, atS, atS);
  };

  it('is stale without dist/cli.js, or when a source file is newer than it', () => {
    touch(join(root, 'src', 'sip', 'a.ts'), 1000);
    assert.deepEqual(distState(root), { fresh: false, why: 'dist/cli.js is missing' });
    touch(join(root, 'dist', 'cli.js'), 2000);
    assert.deepEqual(distState(root), { fresh: true });
    touch(join(root, 'src', 'sip', 'b.ts'), 3000);
    assert.equal(distState(root).fresh, false);
    assert.equal(newestMtimeMs(join(root, 'src'), '.ts'), 3_000_000);
  });

  it('ignores files that are not TypeScript sources', () => {
    touch(join(root, 'dist', 'cli.js'), 2000);
    touch(join(root, 'src', 'notes.md'), 5000);
    assert.deepEqual(distState(root), { fresh: true });
  });
});

function baseInputs(): RunInputs {
  return {
    scenario: 'engine-b2bua', transport: 'udp', startedAt: '2026-01-02T03:04:05.000Z', wallS: 10,
    plan: { rate: 10, durationS: 1, callLengthMs: 100, maxCalls: 10 },
    uacLast: undefined, uasLast: undefined, rtt: [], processes: [], sippVersion: 'SIPp v3.6.1', uacExit: 0, uasExit: 0,
  };
}

describe('load-tests: CPU profile summary', () => {
  const frame = (functionName: string, url: string, lineNumber = 0): { functionName: string; url: string; lineNumber: number } => ({ functionName, url, lineNumber });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(idle)', '') },
      { id: 2, callFrame: frame('doSend', 'node:dgram', 686) },
      { id: 3, callFrame: frame('writeBuffer', '') },
      { id: 4, callFrame: frame('parseFrame', 'file:///w/dist/sip/message/parse-message.js', 32) },
      { id: 5, callFrame: frame('(garbage collector)', '') },
      { id: 6, callFrame: frame('emit', 'node:events', 10) },
      { id: 7, callFrame: frame('decode', 'file:///w/node_modules/drachtio-srf/lib/x.js', 3) },
    ],
    // Self time: idle 500, doSend 200, writeBuffer 100, parseFrame 100, GC 50, emit 30, srf 20 (µs).
    samples: [1, 2, 3, 4, 5, 6, 7, 1],
    timeDeltas: [250, 200, 100, 100, 50, 30, 20, 250],
  };

  it('splits sampled time into idle, socket syscalls, linegate JS by folder, GC, Node and dependencies', () => {
    const s = summarizeCpuProfile(profile);
    assert.equal(s.totalMs, 1);
    assert.equal(s.busyMs, 0.5);
    const cat = Object.fromEntries(s.categories.map((c) => [c.name, c.ms]));
    assert.deepEqual(cat, {
      idle: 0.5, 'socket syscalls (UDP send, stream write)': 0.3, 'linegate JS sip/message': 0.1, GC: 0.05, 'Node core JS': 0.03, 'dependency drachtio-srf': 0.02,
    });
    assert.equal(s.top[0]?.name, 'doSend node:dgram:687');
    assert.equal(s.top.find((e) => e.name.startsWith('parseFrame'))?.name, 'parseFrame sip/message/parse-message.js:33');
    assert.ok(!s.top.some((e) => e.name.startsWith('(idle)')));
    assert.match(formatProfileSummary(s), /socket syscalls \(UDP send, stream write\) +0 +60\.0/);
  });
});

describe('load-tests: warm-up window', () => {
  const row = (elapsedS: number, created: number, ok: number, failed: number, open: number, failures: Record<string, number> = {}, retrans = 0): SippStatRow => ({
    elapsedS, targetRate: 100, callRatePeriodic: 100, callRateCumulative: 100, incomingCalls: 0, outgoingCalls: created,
    totalCallsCreated: created, currentCalls: open, successfulCalls: ok, failedCalls: failed, retransmissions: retrans,
    outOfCallMessages: 0, deadCallMessages: 0, responseTime1MeanMs: 1, failures,
  });
  const plan = { rate: 100, durationS: 20, warmupS: 10, callLengthMs: 100, maxCalls: 3000 };
  // Setup times: slow in the warm-up (first 10 s), fast after.
  const rtt = [
    { atMs: 500, responseMs: 400, rtd: 1 }, { atMs: 9_900, responseMs: 300, rtd: 1 },
    { atMs: 10_100, responseMs: 4, rtd: 1 }, { atMs: 20_000, responseMs: 8, rtd: 1 }, { atMs: 29_900, responseMs: 6, rtd: 1 },
  ];

  it('leaves the warm-up\'s calls, failures, retransmissions and setup times out of the figures', () => {
    const f = buildFigures({
      ...baseInputs(), plan, rtt,
      uacAtWarmupEnd: row(10, 1000, 985, 3, 12, { FailedMaxUDPRetrans: 3 }, 40),
      uasAtWarmupEnd: row(10, 1000, 980, 2, 18, { FailedUnexpectedMessage: 2 }),
      uacLast: row(31, 3000, 2997, 3, 0, { FailedMaxUDPRetrans: 3 }, 40),
      uasLast: row(35, 3000, 2998, 2, 0, { FailedUnexpectedMessage: 2 }),
    });
    assert.deepEqual(f.warmup, { seconds: 10, attempted: 1000, successful: 985, failed: 3, uasFailed: 2, carriedOver: 12 });
    assert.equal(f.calls.attempted, 2000);
    assert.equal(f.calls.successful, 2012, 'the 12 calls open at the end of the warm-up ended in the window');
    assert.equal(f.calls.failed, 0);
    assert.equal(f.calls.uasFailed, 0);
    assert.equal(f.calls.retransmissions, 0);
    assert.deepEqual(f.calls.failureReasons, {});
    assert.deepEqual([f.setupMs?.count, f.setupMs?.max], [3, 8]);
    assert.equal(f.ok, true);
    assert.match(warmupNote(f) ?? '', /^warm-up 10 s: 1000 calls, 985 ok, 3 failed \(\+2 uas\), 12 still open$/);
    assert.match(describePlan(plan), /^100 cps for 20 s after a 10 s warm-up,/);
  });

  it('fails a run whose measured window lost a call', () => {
    const f = buildFigures({
      ...baseInputs(), plan, rtt,
      uacAtWarmupEnd: row(10, 1000, 988, 0, 12), uasAtWarmupEnd: row(10, 1000, 988, 0, 12),
      uacLast: row(31, 3000, 2999, 1, 0, { FailedMaxUDPRetrans: 1 }), uasLast: row(35, 3000, 3000, 0, 0),
    });
    assert.equal(f.ok, false);
    assert.deepEqual(f.calls.failureReasons, { 'uac FailedMaxUDPRetrans': 1 });
  });

  it('is an option of its own that does not go with a ramp', () => {
    const r = parseRunArgs(['engine-b2bua', '--rate', '480', '--warmup', '10']);
    assert.ok(r.ok);
    assert.equal(r.options.warmupS, 10);
    const bad = parseRunArgs(['engine-b2bua', '--warmup', '5', '--ramp-from', '100', '--ramp-step', '50', '--ramp-every', '5']);
    assert.equal(bad.ok, false);
  });
});

describe('load-tests: sampling from the end of the warm-up', () => {
  it('summarizes the samples from sinceMs on, with the one just before as the baseline', () => {
    const samples = [
      { atMs: 0, rssKb: 1024, cpuS: 0 }, { atMs: 1000, rssKb: 1024, cpuS: 0.9 }, // warm-up: 90 % of a core
      { atMs: 2000, rssKb: 2048, cpuS: 1.1 }, { atMs: 3000, rssKb: 2048, cpuS: 1.3 }, // then 20 %
    ];
    let i = 0;
    const probe = { label: 'engine', pid: 1, role: 'under-test' as const, read: () => samples[Math.min(i++, samples.length - 1)] };
    const sampler = new ProcessSampler(60_000);
    sampler.add(probe); // takes samples[0]
    const tick = sampler as unknown as { sampleAll(): void };
    tick.sampleAll();
    tick.sampleAll();
    const [f] = sampler.stop(1500); // its own last read is samples[3]
    assert.ok(f);
    assert.equal(f.samples, 3);
    assert.ok(Math.abs(f.cpuAvgPct - 20) < 1e-9, `cpu ${f.cpuAvgPct}`);
    assert.equal(f.rssStartMb, 1);
  });
});
