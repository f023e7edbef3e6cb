/**
 * The overload guard (docs/dialplan.md "Overload") on a FakeClock with a scripted lag source:
 * it enters on one window at or over enterLagMs, stays through windows between the two
 * thresholds, leaves after two calm windows in a row, logs both transitions with the figures,
 * and exposes its state as metrics. Also the production source (monitorEventLoopDelay) on the
 * real loop, without busy-looping.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/b2bua/call/overload-guard.test.ts
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { LagReading, LagSource } from '../../../../src/b2bua/call/index.js';
import { eventLoopLag, isOverloadRefusal, OverloadGuard, overloadGuardFor } from '../../../../src/b2bua/call/index.js';
import { decideInbound, decideOutbound } from '../../../../src/call/index.js';
import { parseDialplan } from '../../../../src/config/index.js';
import { createRegistry } from '../../../../src/observability/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { context, inbound, lineUser, outbound } from '../../call/call-fixtures.js';

/** Hands out the scripted means one window at a time (then 0); counts reads and closes. */
class ScriptedLag implements LagSource {
  reads = 0;
  closed = 0;
  constructor(private readonly means: number[] = []) {}
  push(...means: number[]): void {
    this.means.push(...means);
  }
  read(): LagReading {
    this.reads += 1;
    const meanMs = this.means.shift() ?? 0;
    return { meanMs, maxMs: meanMs * 2 };
  }
  close(): void {
    this.closed += 1;
  }
}

interface LogLine { level: number; msg: string; [k: string]: unknown }

function capture(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const WARN = 40;

function setup(means: number[] = []): { guard: OverloadGuard; clock: FakeClock; source: ScriptedLag; lines: LogLine[] } {
  const clock = new FakeClock();
  const source = new ScriptedLag();
  const { logger, lines } = capture();
  const guard = new OverloadGuard({ enterLagMs: 150, leaveLagMs: 50, source, clock, logger });
  guard.start(); // reads once: the first window starts now
  source.push(...means);
  return { guard, clock, source, lines };
}

/** The guard's state after each 500 ms window. */
function walk(clock: FakeClock, guard: OverloadGuard, windows: number): boolean[] {
  const states: boolean[] = [];
  for (let i = 0; i < windows; i++) {
    clock.advance(500);
    states.push(guard.isOverloaded());
  }
  return states;
}

describe('b2bua/call: OverloadGuard', () => {
  it('stays normal while the mean lag is under enterLagMs, enters on the first window at it', () => {
    const { guard, clock, lines } = setup([3, 40, 149, 150, 20]);
    assert.equal(guard.isOverloaded(), false);
    assert.deepEqual(walk(clock, guard, 4), [false, false, false, true]);
    const entered = lines.filter((l) => l.level === WARN);
    assert.equal(entered.length, 1);
    assert.match(entered[0]!.msg, /^overloaded: new calls get 503/);
    assert.equal(entered[0]!.lagMs, 150);
    assert.equal(entered[0]!.maxLagMs, 300);
    assert.equal(entered[0]!.enterLagMs, 150);
    guard.close();
  });

  it('hysteresis: stays overloaded between the thresholds, and one calm window is not enough', () => {
    // enter, then: between (stay), calm, between (calm count resets), calm, calm (leave), 120 (stay normal)
    const { guard, clock, lines } = setup([400, 120, 50, 51, 10, 0, 120]);
    assert.deepEqual(walk(clock, guard, 7), [true, true, true, true, true, false, false]);
    const warns = lines.filter((l) => l.level === WARN);
    assert.equal(warns.length, 2);
    assert.match(warns[1]!.msg, /^overload over/);
    assert.equal(warns[1]!.lagMs, 0);
    assert.equal(warns[1]!.leaveLagMs, 50);
    assert.equal(warns[1]!.overloadedMs, 2500);
    guard.close();
  });

  it('counts refusals overall and per episode (reported on leaving)', () => {
    const { guard, clock, lines } = setup([200, 10, 10, 300, 0, 0]);
    guard.refused(); // before any overload: still counted in the total
    walk(clock, guard, 1);
    guard.refused();
    guard.refused();
    walk(clock, guard, 3);
    guard.refused();
    walk(clock, guard, 2);
    assert.equal(guard.refusedTotal(), 4);
    const over = lines.filter((l) => l.level === WARN && /^overload over/.test(l.msg));
    assert.deepEqual(over.map((l) => l.refused), [2, 1]);
    guard.close();
  });

  it('samples one window at a time on the injected clock; close stops the timer and the source, idempotently', () => {
    const { guard, clock, source } = setup([500]);
    assert.equal(source.reads, 1);
    clock.advance(499);
    assert.equal(source.reads, 1);
    clock.advance(1);
    assert.equal(source.reads, 2);
    assert.equal(guard.isOverloaded(), true);
    assert.equal(clock.pending(), 1);
    guard.close();
    guard.close();
    guard.destroy();
    assert.equal(clock.pending(), 0);
    assert.equal(source.closed, 1);
    assert.equal(guard.isOverloaded(), false, 'a closed guard refuses nothing');
    clock.advance(5000);
    assert.equal(source.reads, 2);
    guard.start();
    assert.equal(clock.pending(), 0, 'a closed guard does not start again');
  });

  it('overloadGuardFor: nothing when disabled; else started, with its metrics on the registry', async () => {
    const yaml = (overload: string): string => `version: 1\ndomain: example.com\ndefaultCountry: US\n${overload}` +
      'trunks: [ { name: carrier, outbound: { uri: "sip:127.0.0.1:5080" } } ]\nemergency: { numbers: ["911"], trunk: carrier }\n';
    const off = parseDialplan(yaml('overload: { enabled: false }\n'), { file: 't.yaml' });
    const on = parseDialplan(yaml(''), { file: 't.yaml' });
    assert.ok(off.ok && on.ok);
    const clock = new FakeClock();
    const { logger } = capture();
    assert.equal(overloadGuardFor(off.dialplan.overload, { clock, logger, source: new ScriptedLag() }), undefined);
    assert.equal(clock.pending(), 0);

    const registry = createRegistry();
    const source = new ScriptedLag();
    const guard = overloadGuardFor(on.dialplan.overload, { clock, logger, source, registry });
    assert.ok(guard);
    assert.equal(source.reads, 1, 'started: the first window began');
    source.push(250);
    assert.match(await registry.metrics(), /^linegate_overloaded 0$/m);
    clock.advance(500);
    guard.refused();
    guard.refused();
    const text = await registry.metrics();
    assert.match(text, /^linegate_overloaded 1$/m);
    assert.match(text, /^linegate_calls_refused_overload_total 2$/m);
    assert.match(text, /^linegate_event_loop_lag_seconds 0\.25$/m);
    assert.match(await registry.metrics(), /^linegate_calls_refused_overload_total 2$/m, 'a second scrape does not add up');
    guard.close();
  });

  it('isOverloadRefusal: the core\'s overload refusal only, not a drain or another 503', () => {
    const overloaded = { overloaded: { retryAfterS: 5 } };
    assert.equal(isOverloadRefusal(decideInbound(inbound(), lineUser(), context(overloaded))), true);
    assert.equal(isOverloadRefusal(decideInbound(inbound(), lineUser(), context({ draining: true }))), false);
    assert.equal(isOverloadRefusal(decideInbound(inbound(), lineUser(), context({}, { trunkCalls: { carrier: 10 } }))), false);
    assert.equal(isOverloadRefusal(decideOutbound(outbound('911'), lineUser(), context(overloaded))), false);
  });
});

describe('b2bua/call: eventLoopLag (monitorEventLoopDelay)', () => {
  it('reads small, finite lags from an idle loop and starts a new window on each read', async () => {
    const source = eventLoopLag(10);
    try {
      await new Promise((resolve) => setTimeout(resolve, 120));
      const r = source.read();
      assert.ok(Number.isFinite(r.meanMs) && r.meanMs >= 0 && r.meanMs < 100, JSON.stringify(r));
      assert.ok(Number.isFinite(r.maxMs) && r.maxMs >= r.meanMs, JSON.stringify(r));
      assert.deepEqual(source.read(), { meanMs: 0, maxMs: 0 }, 'nothing recorded since the last read');
    } finally {
      source.close();
    }
  });
});
