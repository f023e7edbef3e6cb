/**
 * A simulated world around one call for the property tests: it plays the network (legs'
 * provisionals, answers, failures, 487s, hang-ups, DTMF), the caller, the timers and the
 * shell (late decisions, drains), checking every command the CallMachine gives against what
 * a correct core may ask at that point.
 */
import assert from 'node:assert/strict';
import type { CallCommand, CallInput, CallState, Route, ShellStep } from '../../../src/call/index.js';
import { CallMachine } from '../../../src/call/index.js';
import { T0 } from './call-fixtures.js';
import type { Scenario } from './call-scenarios.js';
import { decide } from './call-scenarios.js';

interface WorldLeg {
  answered: boolean;
  final: boolean;
  cancelSent: boolean;
  confirming: boolean;
  bridged: boolean;
  byed: boolean;
}

export type Coverage = Record<
  | 'cancelBeforeDecision'
  | 'lateDecision'
  | 'twoAnswersRace'
  | 'answerCrossesCancel'
  | 'timerFired'
  | 'staleTimer'
  | 'confirmed'
  | 'fallback'
  | 'forcedDrain'
  | 'shellFailedUnanswered'
  | 'shellFailedAnswered',
  number
>;

/** How often each race was exercised, summed over all runs of the process. */
export const coverage: Coverage = {
  cancelBeforeDecision: 0,
  lateDecision: 0,
  twoAnswersRace: 0,
  answerCrossesCancel: 0,
  timerFired: 0,
  staleTimer: 0,
  confirmed: 0,
  fallback: 0,
  forcedDrain: 0,
  shellFailedUnanswered: 0,
  shellFailedAnswered: 0,
};

/**
 * Plays the network and the shell around one call, checking every command against what a
 * correct core may ask at that point, and records what the invariants need.
 */
export class World {
  state: CallState;
  at = T0;
  decided = false;
  callerGone = false;
  ended = false;
  bridges = 0;
  /** Legs that failed (not cancelled by us) on their own. */
  trunkFailures = 0;
  /** ShellFailed inputs that ended the call. */
  shellFailures = 0;
  readonly legs = new Map<string, WorldLeg>();
  readonly active = new Set<string>();
  readonly spent = new Set<string>();
  readonly all: CallCommand[] = [];

  constructor(
    readonly scenario: Scenario,
    readonly route: Route,
  ) {
    const r = CallMachine.start({ type: 'Start', request: scenario.request, userId: scenario.caller.id, at: this.at });
    this.state = r.state;
    this.check(r.commands);
  }

  send(input: CallInput): CallCommand[] {
    const r = CallMachine.step(this.state, input);
    this.state = r.state;
    this.check(r.commands);
    return r.commands;
  }

  private check(commands: CallCommand[]): void {
    for (const c of commands) {
      this.all.push(c);
      assert.ok(!this.ended || c.type === 'ByeLeg' || this.lateEmergencyNotice(c), `after call.ended only ByeLeg may follow, got ${c.type}`);
      this.apply(c);
    }
    if (this.ended) assert.deepEqual([...this.active], [], 'timers still running after call.ended');
    // Once the call has ended or a leg is bridged, no other leg may be left ringing.
    if (this.ended || this.bridges > 0) {
      for (const [legId, leg] of this.legs) {
        const withdrawn = leg.final || leg.cancelSent || leg.byed || (leg.bridged && !this.ended);
        assert.ok(withdrawn, `leg ${legId} left ringing after ${this.ended ? 'the end' : 'the bridge'}`);
      }
    }
  }

  private apply(c: CallCommand): void {
    switch (c.type) {
      case 'StartLeg':
        assert.ok(!this.legs.has(c.legId));
        this.legs.set(c.legId, { answered: false, final: false, cancelSent: false, confirming: false, bridged: false, byed: false });
        return;
      case 'CancelLeg': {
        const leg = this.leg(c.legId);
        assert.ok(!leg.answered && !leg.final && !leg.cancelSent, `CANCEL of ${c.legId} in a wrong state`);
        leg.cancelSent = true;
        return;
      }
      case 'ByeLeg': {
        const leg = this.leg(c.legId);
        assert.ok(leg.answered && !leg.byed && !leg.final, `BYE of ${c.legId}, which has no dialog`);
        leg.byed = true;
        return;
      }
      case 'BridgeLegs': {
        const leg = this.leg(c.legId);
        assert.ok(leg.answered && !leg.byed);
        assert.equal(++this.bridges, 1, 'at most one leg is ever bridged');
        leg.bridged = true;
        return;
      }
      case 'PromptConfirm':
        assert.ok(this.leg(c.legId).answered);
        this.leg(c.legId).confirming = true;
        return;
      case 'StartTimer':
        assert.ok(!this.active.has(c.timerId) && !this.spent.has(c.timerId), `timer ${c.timerId} reused`);
        this.active.add(c.timerId);
        return;
      case 'CancelTimer':
        assert.ok(this.active.delete(c.timerId), `cancel of timer ${c.timerId}, which is not running`);
        this.spent.add(c.timerId);
        return;
      case 'EmitEvent':
        if (c.event.type === 'call.ended') this.ended = true;
        return;
      case 'ByeCaller':
        assert.equal(this.bridges, 1, 'BYE to a caller who was never answered');
        this.callerGone = true;
        return;
      case 'Respond':
      case 'Notify':
        return;
    }
  }

  /** An emergency decision that comes after the caller left still raises its notice (no event). */
  private lateEmergencyNotice(c: CallCommand): boolean {
    return this.route.kind === 'emergency' && c.type === 'Notify' && c.notice.kind === 'emergency-call';
  }

  leg(id: string): WorldLeg {
    const leg = this.legs.get(id);
    assert.ok(leg, `unknown leg ${id}`);
    return leg;
  }

  fire(timerId: string): void {
    this.active.delete(timerId);
    this.spent.add(timerId);
    coverage.timerFired++;
    this.send({ type: 'TimerFired', timerId, at: this.at });
  }
}

type Action = () => void;

/** An action entered `n` times: the schedule picks uniformly among entries, so this is its weight. */
function weighted(n: number, action: Action): Action[] {
  return Array.from({ length: n }, () => action);
}

/**
 * Everything that may happen next, weighted so that calls get far enough to race (the caller
 * leaving and forced drains are rarer than answers), in a stable order so a seed replays.
 */
function actions(w: World, variant: number): Action[] {
  const at = w.at;
  const acts: Action[] = [];
  if (!w.decided) {
    acts.push(
      ...weighted(6, () => {
        if (w.ended) coverage.lateDecision++;
        w.decided = true;
        w.send({ type: 'Decided', route: w.route, at });
      }),
    );
  }
  if (!w.callerGone) {
    acts.push(() => {
      if (!w.decided) coverage.cancelBeforeDecision++;
      w.callerGone = true;
      const type = w.bridges === 1 && variant % 3 !== 0 ? 'CallerHungUp' : 'CallerCancelled';
      w.send({ type, at });
    });
  }
  for (const [legId, leg] of w.legs) acts.push(...legActions(w, legId, leg, variant));
  for (const timerId of w.active) acts.push(...weighted(2, () => w.fire(timerId)));
  const stale = [...w.spent][variant % Math.max(1, w.spent.size)];
  if (stale !== undefined) {
    acts.push(() => {
      coverage.staleTimer++;
      assert.deepEqual(w.send({ type: 'TimerFired', timerId: stale, at }), []);
    });
  }
  if (variant % 4 === 0) acts.push(() => shellFails(w, SHELL_STEPS[Math.floor(variant / 4) % SHELL_STEPS.length] ?? 'decide'));
  acts.push(() => {
    const force = variant % 5 === 0;
    if (force) coverage.forcedDrain++;
    w.send({ type: 'Drain', force, retryAfterS: 5, at });
  });
  return acts;
}

const FAILURES = [404, 408, 480, 486, 487, 500, 503, 600, 603];

const SHELL_STEPS: readonly ShellStep[] = ['decide', 'answer-caller', 'relay'];

/**
 * The shell could not carry out `step` (any step at any moment: the core must cope). It ends
 * a call not ended yet by the system with internal-error: failed with 500 (503 for `decide`,
 * sent with a Retry-After as the shell does) before the caller's 200 (bridged and
 * `answer-caller` included), answered (or voicemail) without a status after.
 */
function shellFails(w: World, step: ShellStep): void {
  const { phase } = w.state;
  const wasEnded = w.ended;
  // As the shell does: a failure to decide is taken for temporary (503 + Retry-After).
  const retryAfterS = step === 'decide' ? 30 : undefined;
  const out = w.send(retryAfterS === undefined ? { type: 'ShellFailed', step, at: w.at } : { type: 'ShellFailed', step, retryAfterS, at: w.at });
  const status = retryAfterS === undefined ? 500 : 503;
  if (wasEnded) return assert.deepEqual(out, [], 'ShellFailed after call.ended does nothing');
  w.shellFailures++;
  const ended = out.flatMap((c) => (c.type === 'EmitEvent' && c.event.type === 'call.ended' ? [c.event] : []))[0];
  assert.ok(ended, 'ShellFailed ends the call');
  assert.deepEqual([ended.hungUpBy, ended.endReason], ['system', 'internal-error']);
  const finals = out.flatMap((c) => (c.type === 'Respond' && c.status >= 300 ? [c.status] : []));
  if (phase === 'bridged' && step !== 'answer-caller') {
    coverage.shellFailedAnswered++;
    assert.ok(['answered', 'voicemail'].includes(ended.disposition), ended.disposition);
    assert.deepEqual([ended.sipStatus, finals], [undefined, []]);
  } else {
    coverage.shellFailedUnanswered++;
    assert.deepEqual([ended.disposition, ended.sipStatus, ended.durationS, finals], ['failed', status, 0, [status]]);
    w.callerGone = true;
  }
}

function legActions(w: World, legId: string, leg: WorldLeg, variant: number): Action[] {
  const at = w.at;
  if (leg.final || leg.byed) return [];
  if (leg.bridged || leg.confirming) {
    const hangUp = (): void => {
      leg.final = true;
      w.send({ type: 'CalleeHungUp', legId, at });
    };
    if (leg.bridged) return [hangUp];
    const dtmf = (): void => {
      const digit = variant % 3 === 0 ? String(variant % 10) : '1';
      const out = w.send({ type: 'DtmfReceived', legId, digit, at });
      if (out.some((c) => c.type === 'BridgeLegs')) coverage.confirmed++;
    };
    return [...weighted(4, dtmf), hangUp];
  }
  if (leg.answered) return [];
  const acts: Action[] = [
    () => void w.send({ type: 'LegProgress', legId, status: variant % 2 === 0 ? 180 : 183, at }),
    ...weighted(3, () => answer(w, legId, leg)),
    () => {
      leg.final = true;
      if (!leg.cancelSent) w.trunkFailures++;
      w.send({ type: 'LegFailed', legId, status: FAILURES[variant % FAILURES.length] ?? 480, at });
    },
  ];
  if (leg.cancelSent) {
    acts.push(
      ...weighted(2, () => {
        leg.final = true;
        w.send({ type: 'LegCancelled', legId, at });
      }),
    );
  }
  return acts;
}

/** A 2xx must be met at once by a bridge, a press-1 prompt or a BYE: never left hanging. */
function answer(w: World, legId: string, leg: WorldLeg): void {
  if (w.bridges === 1) coverage.twoAnswersRace++;
  if (leg.cancelSent) coverage.answerCrossesCancel++;
  leg.answered = true;
  const out = w.send({ type: 'LegAnswered', legId, at: w.at });
  const met = out.some((c) => (c.type === 'BridgeLegs' || c.type === 'PromptConfirm' || c.type === 'ByeLeg') && c.legId === legId);
  assert.ok(met, `the 2xx on ${legId} was left unanswered`);
}

/** After the random part: everyone finishes what they started, as real peers eventually do. */
function settle(w: World): void {
  for (let guard = 0; guard < 200; guard++) {
    const next = settleStep(w);
    if (!next) return;
    next();
  }
  assert.fail('the call did not settle');
}

function settleStep(w: World): Action | undefined {
  const at = w.at;
  if (!w.decided) return () => ((w.decided = true), void w.send({ type: 'Decided', route: w.route, at }));
  if (!w.callerGone) {
    return () => {
      w.callerGone = true;
      w.send({ type: w.bridges === 1 ? 'CallerHungUp' : 'CallerCancelled', at });
    };
  }
  for (const [legId, leg] of w.legs) {
    if (leg.final || leg.byed) continue;
    if (leg.answered) return () => ((leg.final = true), void w.send({ type: 'CalleeHungUp', legId, at }));
    return () => {
      leg.final = true;
      if (!leg.cancelSent) w.trunkFailures++;
      w.send(leg.cancelSent ? { type: 'LegCancelled', legId, at } : { type: 'LegFailed', legId, status: 408, at });
    };
  }
  const timer = [...w.active][0];
  return timer === undefined ? undefined : () => w.fire(timer);
}

export type Schedule = Array<{ pick: number; dt: number; variant: number }>;

/** Plays the schedule (each entry picks one of the possible next happenings), then lets everything finish. */
export function run(s: Scenario, schedule: Schedule, makeWorld: (s: Scenario, route: Route) => World = (sc, r) => new World(sc, r)): World {
  const w = makeWorld(s, decide(s));
  for (const { pick, dt, variant } of schedule) {
    w.at += dt;
    const acts = actions(w, variant);
    acts[pick % acts.length]?.();
  }
  w.at += 1;
  settle(w);
  if (w.state.attempts > 1) coverage.fallback++;
  return w;
}
