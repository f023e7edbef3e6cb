import assert from 'node:assert/strict';
import { ApiGovernor, SalesforceError } from '../../../../src/crm/index.js';
import type { GovernorState } from '../../../../src/crm/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { settle } from './fake-connector.js';

const HOUR = 3_600_000;
/** 2024-01-01T12:00:00Z: twelve hours before the next UTC day. */
const NOON = Date.UTC(2024, 0, 1, 12);

function setup(settings: { maxShare?: number; slowShare?: number; maxSpacingMs?: number; probeIntervalMs?: number } = {}) {
  const clock = new FakeClock(0);
  const states: GovernorState[] = [];
  const gov = new ApiGovernor({
    ...settings,
    clock,
    epochNow: () => NOON + clock.now(),
    onStateChange: (s) => states.push(s),
  });
  return { clock, gov, states };
}

function tracked(p: Promise<void>): { done: () => boolean; promise: Promise<void> } {
  let done = false;
  const promise = p.then(() => { done = true; });
  return { done: () => done, promise };
}

describe('ApiGovernor', () => {
  it('is normal until usage passes slowShare (default maxShare − 0.1), paused past maxShare', () => {
    const { gov, states } = setup();
    assert.equal(gov.state(), 'normal');
    gov.observe({ used: 69, max: 100 });
    assert.equal(gov.state(), 'normal');
    gov.observe({ used: 70, max: 100 });
    assert.equal(gov.state(), 'slow');
    gov.observe({ used: 80, max: 100 });
    assert.equal(gov.state(), 'paused');
    gov.observe({ used: 10, max: 100 });
    assert.deepEqual(states, ['slow', 'paused', 'normal']);
    assert.deepEqual(gov.apiUsage(), { used: 10, max: 100 });
  });

  it('lets calls through at once when normal', async () => {
    const { gov, clock } = setup();
    await gov.admit(false);
    assert.equal(clock.pending(), 0);
  });

  it('spaces calls in the slow state so the rest lasts until the next UTC day (capped)', async () => {
    const { gov, clock } = setup({ maxShare: 0.8, slowShare: 0.7, maxSpacingMs: 24 * HOUR });
    gov.observe({ used: 7000, max: 10_000 });
    // 1000 calls left below 80 %, 12 h to the UTC day: one call every 43.2 s.
    await gov.admit(false);
    const second = tracked(gov.admit(false));
    const third = tracked(gov.admit(false));
    await settle();
    assert.equal(second.done(), false);
    clock.advance(43_199);
    await settle();
    assert.equal(second.done(), false);
    clock.advance(1);
    await settle();
    assert.equal(second.done(), true);
    assert.equal(third.done(), false);
    clock.advance(43_200);
    await third.promise;
  });

  it('caps the spacing at maxSpacingMs', async () => {
    const { gov, clock } = setup({ maxSpacingMs: 500 });
    gov.observe({ used: 75, max: 100 });
    await gov.admit(false);
    const next = tracked(gov.admit(false));
    clock.advance(500);
    await next.promise;
  });

  it('holds non-critical calls while paused, lets one probe through per interval, resumes on room', async () => {
    const { gov, clock } = setup({ probeIntervalMs: 60_000 });
    gov.observe({ used: 85, max: 100 });
    await gov.admit(true); // critical: never held
    const a = tracked(gov.admit(false));
    const b = tracked(gov.admit(false));
    await settle();
    assert.equal(a.done() || b.done(), false);
    clock.advance(60_000);
    await settle();
    assert.equal(a.done(), true, 'the first waiter is the probe');
    assert.equal(b.done(), false);
    gov.observe({ used: 50, max: 100 }); // the probe's header shows room
    await b.promise;
    assert.equal(clock.pending(), 0);
  });

  it('probes at the next UTC day when that comes before the probe interval', async () => {
    const clock = new FakeClock(0);
    const gov = new ApiGovernor({ clock, epochNow: () => Date.UTC(2024, 0, 1, 23, 59, 30) + clock.now(), probeIntervalMs: HOUR });
    gov.observe({ used: 100, max: 100 });
    const a = tracked(gov.admit(false));
    clock.advance(29_999);
    await settle();
    assert.equal(a.done(), false);
    clock.advance(1);
    await a.promise;
    gov.close();
  });

  it('rejects waiting calls on close and leaves no timer', async () => {
    const { gov, clock } = setup();
    gov.observe({ used: 95, max: 100 });
    const waiting = gov.admit(false);
    await settle();
    gov.close();
    await assert.rejects(waiting, (e: unknown) => e instanceof SalesforceError && e.code === 'CLIENT_CLOSED');
    await assert.rejects(gov.admit(true), (e: unknown) => e instanceof SalesforceError && e.code === 'CLIENT_CLOSED');
    assert.equal(clock.pending(), 0);
  });
});
