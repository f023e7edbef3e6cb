/**
 * The CallShell on loopback for integration tests: the embedded engine (TestBed), a real
 * srf app running the shell, a MemoryStore, an event sink that validates every event with
 * parseCallEvent, and a test registrar whose contacts are sipp UAS devices.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { CallShell } from '../../src/b2bua/call/index.js';
import type { CallRegistrar, CallShellOptions, ReachableDevice, ShellRequest, ShellSrf } from '../../src/b2bua/call/index.js';
import { parseDialplan } from '../../src/config/index.js';
import type { Dialplan } from '../../src/config/index.js';
import { parseCallEvent } from '../../src/events/index.js';
import type { CallEvent } from '../../src/events/index.js';
import { systemClock } from '../../src/shared/index.js';
import { MemoryStore } from '../../src/state/index.js';
import type { EngineUnderTest, TestBed } from './test-bed.js';

/** Devices by user id; the test fills it with sipp UAS addresses (no REGISTER, see the report). */
export class TestRegistrar implements CallRegistrar {
  readonly devices = new Map<string, ReachableDevice[]>();
  /** Delays every lookup (and so the decision): lets a test CANCEL before the decision. */
  lookupDelayMs = 0;

  authenticate(req: { get(name: string): string | undefined }): Promise<{ type: 'Authenticated'; userId: string }> {
    const user = /sip:([^@]+)@/.exec(req.get('From') ?? '')?.[1] ?? '';
    return Promise.resolve({ type: 'Authenticated', userId: user });
  }

  async lookup(userId: string): Promise<readonly ReachableDevice[]> {
    if (this.lookupDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.lookupDelayMs));
    return this.devices.get(userId) ?? [];
  }

  add(userId: string, port: number, name: string): void {
    const list = this.devices.get(userId) ?? [];
    list.push({ uri: `sip:${name}@127.0.0.1:${port}`, uacOptions: {} });
    this.devices.set(userId, list);
  }
}

export class MemoryEvents {
  readonly events: CallEvent[] = [];
  append(event: CallEvent): Promise<{ id: string }> {
    const parsed = parseCallEvent(JSON.parse(JSON.stringify(event)));
    assert.ok(parsed.ok, `event rejected by parseCallEvent: ${JSON.stringify(event)}`);
    this.events.push(event);
    return Promise.resolve({ id: String(this.events.length) });
  }
  ofCall(callId: string): CallEvent[] {
    return this.events.filter((e) => e.callId === callId);
  }
  ended(): CallEvent[] {
    return this.events.filter((e) => e.type === 'call.ended');
  }
}

/**
 * When srf emitted each caller's CANCEL (by INVITE Call-ID): 'same-tick' when it came before
 * the INVITE handler's first await could resume (INVITE and CANCEL in one read of the wire
 * socket), 'later' otherwise. It runs as srf middleware ahead of the shell's handler.
 */
export class CancelTiming {
  readonly byCallId = new Map<string, 'same-tick' | 'later'>();

  watch(req: ShellRequest, next: () => void): void {
    let sameTick = true;
    queueMicrotask(() => { sameTick = false; });
    req.once('cancel', () => this.byCallId.set(req.get('Call-ID') ?? '', sameTick ? 'same-tick' : 'later'));
    next();
  }
}

export interface ShellBed {
  eut: EngineUnderTest;
  cancelTiming: CancelTiming;
  shell: CallShell;
  store: MemoryStore;
  events: MemoryEvents;
  registrar: TestRegistrar;
  dialplan: Dialplan;
}

/** What a test may change in testDialplan's users and voicemail service. */
export interface TestDialplanOptions {
  /** Extra YAML lines under alice (indented 4 spaces), e.g. her voicemail box and forwarding. */
  aliceYaml?: string;
  /** Where the voicemail service is; default the trunk's port. */
  voicemailPort?: number;
}

/** The PIN of a voicemail box in testDialplan (env VM_PIN). */
export const TEST_VOICEMAIL_PIN = '2468';

/**
 * A dialplan for tests: users alice (100) and bob (101), trunk `carrier` from 127.0.0.1 to
 * `trunkPort`, the voicemail service at sip:voicemail@127.0.0.1:<voicemailPort or trunkPort>.
 */
export function testDialplan(trunkPort: number, extraUserYaml = '', opts: TestDialplanOptions = {}): Dialplan {
  const yaml = `
version: 1
domain: 127.0.0.1
defaultCountry: US
voicemail:
  serviceUri: sip:voicemail@127.0.0.1:${opts.voicemailPort ?? trunkPort}
users:
  - id: alice
    displayName: Alice Example
    businessNumber: "+14155550100"
    extension: "100"
    sip: { password: { env: PW } }
    ringPlan: { strategy: simultaneous, timeoutS: 10, targets: [ { to: devices } ] }
    emergencyAddress: { street: 1 Market St, unit: Floor 4, city: San Francisco, region: CA, postalCode: "94105", country: US }
${opts.aliceYaml ?? ''}
  - id: bob
    displayName: Bob Example
    businessNumber: "+14155550101"
    extension: "101"
    sip: { password: { env: PW } }
${extraUserYaml}
trunks:
  - name: carrier
    inbound: { sources: ["127.0.0.1"] }
    outbound: { uri: "sip:127.0.0.1:${trunkPort}" }
    numberFormat: e164
outbound:
  blockedPrefixes: [ { prefix: "+1900", reason: premium rate } ]
emergency:
  numbers: ["911", "933"]
  trunk: carrier
`;
  const r = parseDialplan(yaml, { file: 'test.yaml', env: { PW: 'secret-pw-1', VM_PIN: TEST_VOICEMAIL_PIN } });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors, null, 1));
  return r.dialplan;
}

/** The shell's options a test may set; the bed provides srf, dialplan, store, events and registrar. */
export type ShellExtras = Partial<Omit<CallShellOptions, 'srf' | 'dialplan' | 'store' | 'events' | 'registrar'>>;

export async function startShellBed(bed: TestBed, dialplan: (eut: EngineUnderTest) => Dialplan, extras: ShellExtras = {}): Promise<ShellBed> {
  const eut = await bed.startEngine();
  const store = new MemoryStore();
  await store.start();
  const events = new MemoryEvents();
  const registrar = new TestRegistrar();
  const plan = dialplan(eut);
  let shell: CallShell | undefined;
  const cancelTiming = new CancelTiming();
  await bed.connectApp(eut, (srf) => {
    srf.use('invite', (req, _res, next) => cancelTiming.watch(req as unknown as ShellRequest, () => next()));
    shell = new CallShell({
      srf: srf as unknown as ShellSrf, dialplan: plan, store, events, registrar,
      clock: systemClock, logger: pino({ level: process.env.LINEGATE_TEST_LOG ?? 'silent' }),
      ...extras,
    });
    shell.start();
  });
  assert.ok(shell);
  return { eut, cancelTiming, shell, store, events, registrar, dialplan: plan };
}
