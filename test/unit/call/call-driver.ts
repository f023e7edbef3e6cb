/**
 * Drives a CallMachine like the shell would: keeps the state, a clock in ms since the epoch,
 * every command produced, and the set of timers the machine believes are running.
 */
import assert from 'node:assert/strict';
import type { CallCommand, CallEvent, CallInput, CallRequest, CallState, Route } from '../../../src/call/index.js';
import { CallMachine } from '../../../src/call/index.js';
import { T0 } from './call-fixtures.js';

type InputWithoutTime = CallInput extends infer I ? (I extends CallInput ? Omit<I, 'at'> : never) : never;

export class CallDriver {
  state: CallState;
  now: number;
  readonly all: CallCommand[] = [];
  last: CallCommand[] = [];
  private readonly running = new Map<string, number>();

  constructor(request: CallRequest, userId = 'alice', at = T0) {
    this.now = at;
    const r = CallMachine.start({ type: 'Start', request, userId, at });
    this.state = r.state;
    this.record(r.commands);
  }

  send(input: InputWithoutTime): CallCommand[] {
    if (input.type === 'TimerFired') this.running.delete(input.timerId);
    const r = CallMachine.step(this.state, { ...input, at: this.now } as CallInput);
    this.state = r.state;
    this.record(r.commands);
    return r.commands;
  }

  decide(route: Route): CallCommand[] {
    return this.send({ type: 'Decided', route });
  }

  /** Moves time on and fires, in due order, every timer that falls due. */
  advance(ms: number): CallCommand[] {
    const until = this.now + ms;
    const out: CallCommand[] = [];
    for (;;) {
      const due = [...this.running].filter(([, at]) => at <= until).sort((a, b) => a[1] - b[1])[0];
      if (!due) break;
      this.now = due[1];
      out.push(...this.send({ type: 'TimerFired', timerId: due[0] }));
    }
    this.now = until;
    return out;
  }

  fire(timerId: string): CallCommand[] {
    assert.ok(this.running.has(timerId), `timer ${timerId} is not running`);
    return this.send({ type: 'TimerFired', timerId });
  }

  timers(): string[] {
    return [...this.running.keys()];
  }

  startedLegs(): string[] {
    return this.all.flatMap((c) => (c.type === 'StartLeg' ? [c.legId] : []));
  }

  events(type?: CallEvent['type']): CallEvent[] {
    const events = this.all.flatMap((c) => (c.type === 'EmitEvent' ? [c.event] : []));
    return type ? events.filter((e) => e.type === type) : events;
  }

  ended(): Extract<CallEvent, { type: 'call.ended' }> {
    const ended = this.events('call.ended');
    assert.equal(ended.length, 1, 'exactly one call.ended');
    return ended[0] as Extract<CallEvent, { type: 'call.ended' }>;
  }

  private record(commands: CallCommand[]): void {
    this.last = commands;
    this.all.push(...commands);
    for (const c of commands) {
      if (c.type === 'StartTimer') {
        assert.ok(!this.running.has(c.timerId), `timer ${c.timerId} started twice`);
        this.running.set(c.timerId, this.now + c.ms);
      } else if (c.type === 'CancelTimer') {
        assert.ok(this.running.delete(c.timerId), `timer ${c.timerId} cancelled but not running`);
      }
    }
  }
}

/** The commands of one type, in order. */
export function ofType<T extends CallCommand['type']>(commands: CallCommand[], type: T): Extract<CallCommand, { type: T }>[] {
  return commands.filter((c): c is Extract<CallCommand, { type: T }> => c.type === type);
}
