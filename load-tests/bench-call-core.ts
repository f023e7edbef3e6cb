/**
 * Micro-benchmark of one call's CPU in linegate's own call path, on the shape of the
 * trunk-users load scenario (issue #3): an INVITE from the trunk to one of 200 users with two
 * registered devices, simultaneous ring, device a answers, b is CANCELled, the caller BYEs.
 *
 *   node --import tsx load-tests/bench-call-core.ts [calls] [--baseline DIR] [--only 'SECTION;…']
 *
 * Per call, in-process and without I/O:
 *   source+request  recogniseSource + callRequestOf on a fake INVITE (From, Request-URI)
 *   findCallee      the callee by the dialled business number, among the 200 users
 *   decide          findCallee + policyFor + decideInbound (ring plan, fallbacks)
 *   machine         CallMachine.start and the 6 steps of the call
 *   events          toStoredEvent of every EmitEvent (4 per call)
 *   whole call      all of the above in one loop
 * "source+request, new caller" is the same with a caller number never seen before on
 * every call (what a cache of numbers cannot help with).
 *
 * --baseline DIR runs the same workload on a second source tree (an older commit) in the
 * same process, interleaved, and prints the ratio. Make one from a commit with:
 *   mkdir /tmp/before && git archive <commit> src package.json | tar -x -C /tmp/before \
 *     && ln -s "$PWD/node_modules" /tmp/before/node_modules
 * Bytes per call are the median growth of the heap over short batches in which no GC ran.
 * Results are for the record (architecture §4: timings are never asserted in unit tests).
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as B2buaModule from '../src/b2bua/call/index.js';
import type * as CallModule from '../src/call/index.js';
import type * as ConfigModule from '../src/config/index.js';
import type { CallInput, CallRequest, CallSource, CallState, LineUser, Policy, Route, Snapshot } from '../src/call/index.js';
import type { Dialplan } from '../src/config/index.js';

const USERS = 200;
const TRUNK_ADDRESS = '127.0.0.1';

interface Tree {
  label: string;
  call: typeof CallModule;
  b2bua: typeof B2buaModule;
  config: typeof ConfigModule;
}

async function loadTree(label: string, root: string): Promise<Tree> {
  const at = (p: string): string => pathToFileURL(resolve(root, p)).href;
  return {
    label,
    call: (await import(at('src/call/index.ts'))) as typeof CallModule,
    b2bua: (await import(at('src/b2bua/call/index.ts'))) as typeof B2buaModule,
    config: (await import(at('src/config/index.ts'))) as typeof ConfigModule,
  };
}

/** The dialplan trunk-users writes (load-tests/scenarios/trunk-users-devices.ts), without the device password. */
function dialplanText(): string {
  const lines = ['version: 1', 'domain: 127.0.0.1', 'defaultCountry: US',
    'limits: { concurrentCallsPerUser: 1000, concurrentCallsPerTrunk: 100000 }', 'users:'];
  for (let i = 0; i < USERS; i++) {
    lines.push(`  - id: u${i}`, `    businessNumber: "${businessNumber(i)}"`, `    extension: "${2000 + i}"`,
      '    sip: { password: { env: BENCH_SIP_PASSWORD } }',
      '    ringPlan: { strategy: simultaneous, timeoutS: 30, targets: [ { to: devices } ] }');
  }
  lines.push('trunks:', '  - name: carrier', `    inbound: { sources: ["${TRUNK_ADDRESS}"] }`, '    outbound: { uri: "sip:127.0.0.1:9" }',
    '    numberFormat: e164', 'emergency:', '  numbers: ["911", "933"]', '  trunk: carrier', '');
  return lines.join('\n');
}

function businessNumber(i: number): string {
  return `+1415555${1000 + i}`;
}

/** The parts of an srf request that call-source.ts reads. */
class BenchInvite extends EventEmitter {
  readonly method = 'INVITE';
  readonly body = undefined;
  readonly source_address = TRUNK_ADDRESS;
  readonly source_port = 5062;
  readonly protocol = 'udp';
  constructor(readonly uri: string, private readonly headers: ReadonlyMap<string, string>) {
    super();
  }
  get(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }
  has(name: string): boolean {
    return this.headers.has(name.toLowerCase());
  }
  cancel(): void {}
}

function invite(n: number, caller: string): BenchInvite {
  const headers = new Map([
    ['from', `"linegate load" <sip:${caller}@${TRUNK_ADDRESS}:5062>;tag=bench${n}`],
    ['to', `<sip:${businessNumber(n % USERS)}@${TRUNK_ADDRESS}:5060>`],
    ['call-id', `bench-${n}@${TRUNK_ADDRESS}`],
  ]);
  return new BenchInvite(`sip:${businessNumber(n % USERS)}@${TRUNK_ADDRESS}:5060`, headers);
}

const ONE_CALLER = '+12125550123';
/** A caller number for call n that no earlier call used (NANP, 212-2xx-xxxx). */
const newCaller = (n: number): string => `+1212${2000000 + (n % 8000000)}`;

/** One tree's world: the dialplan, the core's users, a snapshot with two devices per user. */
class World {
  readonly dialplan: Dialplan;
  readonly users: LineUser[];
  readonly snapshot: Snapshot;
  readonly invites: BenchInvite[];
  readonly requests: CallRequest[];
  readonly routes: Route[];
  private readonly byId: Map<string, LineUser>;
  /** Off in the `machine` section: the core alone, without toStoredEvent. */
  private eventsOn = true;

  constructor(readonly t: Tree) {
    const parsed = t.config.parseDialplan(dialplanText(), { file: 'bench-call-core', env: { BENCH_SIP_PASSWORD: 'not-used-by-the-bench' } });
    if (!parsed.ok) throw new Error(`bench dialplan: ${JSON.stringify(parsed.errors[0])}`);
    this.dialplan = parsed.dialplan;
    this.users = this.dialplan.users.map(t.b2bua.lineUserOf);
    this.byId = new Map(this.users.map((u) => [u.id, u]));
    const registrations = new Map(this.users.map((u) => [u.id, [
      { contact: `sip:${u.id}-a@127.0.0.1:5070`, instanceId: `<urn:uuid:${u.id}-a>` },
      { contact: `sip:${u.id}-b@127.0.0.1:5080` }]]));
    this.snapshot = { activeCallsByUser: new Map(), activeCallsByTrunk: new Map(), registrations };
    this.invites = Array.from({ length: USERS }, (_, i) => invite(i, ONE_CALLER));
    this.requests = this.invites.map((req) => this.request(req));
    this.routes = this.requests.map((r) => this.decide(r, this.callee(r)));
  }

  request(req: BenchInvite): CallRequest {
    const source: CallSource | undefined = this.t.b2bua.recogniseSource(req, this.dialplan);
    if (!source) throw new Error('bench INVITE not recognised as the trunk');
    return this.t.b2bua.callRequestOf(req, source, this.dialplan);
  }

  callee(r: CallRequest): LineUser {
    const user = this.t.call.findCallee(this.users, r.to, this.policy().numbering);
    if (!user) throw new Error(`no callee for ${r.to}`);
    return this.byId.get(user.id) ?? user;
  }

  policy(): Policy {
    return this.t.b2bua.policyFor(this.dialplan, false, 'sip:voicemail@127.0.0.1');
  }

  decide(r: CallRequest, user: LineUser): Route {
    const route = this.t.call.decideInbound(r, user, { policy: this.policy(), snapshot: this.snapshot, directory: this.users });
    if (route.kind !== 'ring') throw new Error(`expected a ring route, got ${route.kind}`);
    return route;
  }

  /** The core's steps of the call; returns the number of events it emitted. */
  machine(r: CallRequest, userId: string, route: Route, at: number): number {
    const { CallMachine } = this.t.call;
    let events = 0;
    let state: CallState | undefined;
    const feed = (input: CallInput): void => {
      const next = state === undefined && input.type === 'Start' ? CallMachine.start(input) : CallMachine.step(state as CallState, input);
      state = next.state;
      for (const c of next.commands) if (c.type === 'EmitEvent') events += this.stored(c.event, events + 1);
    };
    feed({ type: 'Start', request: r, userId, at });
    feed({ type: 'Decided', route, at: at + 1 });
    feed({ type: 'LegProgress', legId: 'L1', status: 180, at: at + 20 });
    feed({ type: 'LegProgress', legId: 'L2', status: 180, at: at + 21 });
    feed({ type: 'LegAnswered', legId: 'L1', at: at + 500 });
    feed({ type: 'LegCancelled', legId: 'L2', at: at + 510 });
    feed({ type: 'CallerHungUp', at: at + 5000 });
    if (!state || !CallMachine.isSettled(state)) throw new Error('bench call did not settle');
    return events;
  }

  withoutEvents<T>(fn: () => T): T {
    this.eventsOn = false;
    try {
      return fn();
    } finally {
      this.eventsOn = true;
    }
  }

  private stored(e: CallModule.CallEvent, seq: number): number {
    if (this.eventsOn) this.t.b2bua.toStoredEvent(e, seq);
    return 1;
  }

  whole(n: number, at: number): void {
    const r = this.request(this.invites[n % USERS] as BenchInvite);
    const user = this.callee(r);
    this.machine(r, user.id, this.decide(r, user), at);
  }
}

type Section = (w: World, n: number) => unknown;

const T0 = 1_763_800_000_000;
const SECTIONS: Array<[string, Section]> = [
  ['source+request', (w, n) => w.request(w.invites[n % USERS] as BenchInvite)],
  ['source+request, new caller', (w, n) => w.request(invite(n, newCaller(n)))],
  ['findCallee', (w, n) => w.callee(w.requests[n % USERS] as CallRequest)],
  ['decide', (w, n) => { const r = w.requests[n % USERS] as CallRequest; return w.decide(r, w.callee(r)); }],
  ['machine', (w, n) => w.withoutEvents(() => w.machine(w.requests[n % USERS] as CallRequest, `u${n % USERS}`, w.routes[n % USERS] as Route, T0 + n))],
  ['events', (w, n) => eventsOnly(w, w.requests[n % USERS] as CallRequest)],
  ['whole call', (w, n) => w.whole(n, T0 + n)],
];

/** toStoredEvent alone, on the events of one call of the shape (started, ringing, answered, ended). */
const eventLists = new WeakMap<World, CallModule.CallEvent[]>();
function eventsOnly(w: World, r: CallRequest): void {
  let list = eventLists.get(w);
  if (!list) {
    list = [];
    const { CallMachine } = w.t.call;
    const first = CallMachine.start({ type: 'Start', request: r, userId: 'u0', at: T0 });
    let state = first.state;
    const inputs: CallInput[] = [{ type: 'Decided', route: w.routes[0] as Route, at: T0 + 1 },
      { type: 'LegProgress', legId: 'L1', status: 180, at: T0 + 20 }, { type: 'LegAnswered', legId: 'L1', at: T0 + 500 },
      { type: 'CallerHungUp', at: T0 + 5000 }];
    const commands = [...first.commands];
    for (const input of inputs) {
      const next = CallMachine.step(state, input);
      state = next.state;
      commands.push(...next.commands);
    }
    for (const c of commands) if (c.type === 'EmitEvent') list.push(c.event);
    eventLists.set(w, list);
  }
  for (let i = 0; i < list.length; i++) w.t.b2bua.toStoredEvent(list[i] as CallModule.CallEvent, i + 1);
}

function timeUs(w: World, fn: Section, calls: number, from: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn(w, from + i);
  return Number(process.hrtime.bigint() - start) / 1e3 / calls;
}

/** Median heap growth per call over batches in which no GC ran (heapUsed went up). */
function bytesPerCall(w: World, fn: Section, batch: number): number {
  const samples: number[] = [];
  for (let b = 0; b < 40; b++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < batch; i++) fn(w, b * batch + i);
    const grown = process.memoryUsage().heapUsed - before;
    if (grown > 0) samples.push(grown / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const b = args.indexOf('--baseline');
  const baselineDir = b >= 0 ? args.splice(b, 2)[1] : undefined;
  const o = args.indexOf('--only');
  const only = o >= 0 ? args.splice(o, 2)[1] : undefined;
  const calls = Number(args[0] ?? 4000);
  const worlds = [new World(await loadTree('current', resolve(import.meta.dirname, '..')))];
  if (baselineDir) worlds.unshift(new World(await loadTree('baseline', baselineDir)));
  const ROUNDS = 5;
  console.log(`trunk-users call shape: ${USERS} users × 2 devices, simultaneous ring, a answers, b CANCELled, BYE; ` +
    `${calls} calls × ${ROUNDS} rounds per figure (median), µs per call`);
  const header = worlds.map((w) => w.t.label.padStart(10)).join('');
  console.log(`${'section'.padEnd(30)}${header}${worlds.length > 1 ? '     ratio' : ''}`);
  const chosen = only?.split(';');
  for (const [name, fn] of SECTIONS.filter(([n]) => chosen === undefined || chosen.includes(n))) {
    for (const w of worlds) timeUs(w, fn, Math.min(calls, 5000), 10_000_000); // warm-up
    const per = worlds.map(() => [] as number[]);
    for (let r = 0; r < ROUNDS; r++) worlds.forEach((w, k) => per[k]?.push(timeUs(w, fn, calls, r * calls)));
    const us = per.map(median);
    const ratio = us.length > 1 ? `${((us[0] ?? NaN) / (us[1] ?? NaN)).toFixed(2).padStart(9)}×` : '';
    console.log(`${name.padEnd(30)}${us.map((u) => u.toFixed(2).padStart(10)).join('')}${ratio}`);
  }
  if (only !== undefined) return;
  const whole = SECTIONS.find(([n]) => n === 'whole call')?.[1] as Section;
  const bytes = worlds.map((w) => bytesPerCall(w, whole, 200));
  console.log(`${'whole call, bytes allocated'.padEnd(30)}${bytes.map((x) => Math.round(x).toString().padStart(10)).join('')}` +
    `${bytes.length > 1 ? `${((bytes[0] ?? NaN) / (bytes[1] ?? NaN)).toFixed(2).padStart(9)}×` : ''}`);
}

await main();
