/**
 * The CallShell on loopback for integration tests: the embedded engine (TestBed), a real
 * srf app running the shell, a MemoryStore, an event sink that validates every event with
 * parseCallEvent, and a test registrar whose contacts are sipp UAS devices.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { CallShell } from '../../src/b2bua/call/index.js';
import type { CallRegistrar, ReachableDevice, ShellSrf } from '../../src/b2bua/call/index.js';
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

export interface ShellBed {
  eut: EngineUnderTest;
  shell: CallShell;
  store: MemoryStore;
  events: MemoryEvents;
  registrar: TestRegistrar;
  dialplan: Dialplan;
}

/** A dialplan for tests: users alice (100) and bob (101), trunk `carrier` from 127.0.0.1 to `trunkPort`. */
export function testDialplan(trunkPort: number, extraUserYaml = ''): Dialplan {
  const yaml = `
version: 1
domain: 127.0.0.1
defaultCountry: US
voicemail:
  serviceUri: sip:voicemail@127.0.0.1:${trunkPort}
users:
  - id: alice
    displayName: Alice Example
    businessNumber: "+14155550100"
    extension: "100"
    sip: { password: { env: PW } }
    ringPlan: { strategy: simultaneous, timeoutS: 10, targets: [ { to: devices } ] }
    emergencyAddress: { street: 1 Market St, unit: Floor 4, city: San Francisco, region: CA, postalCode: "94105", country: US }
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
  const r = parseDialplan(yaml, { file: 'test.yaml', env: { PW: 'secret-pw-1' } });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors, null, 1));
  return r.dialplan;
}

export async function startShellBed(bed: TestBed, dialplan: (eut: EngineUnderTest) => Dialplan): Promise<ShellBed> {
  const eut = await bed.startEngine();
  const store = new MemoryStore();
  await store.start();
  const events = new MemoryEvents();
  const registrar = new TestRegistrar();
  const plan = dialplan(eut);
  let shell: CallShell | undefined;
  await bed.connectApp(eut, (srf) => {
    shell = new CallShell({
      srf: srf as unknown as ShellSrf, dialplan: plan, store, events, registrar,
      clock: systemClock, logger: pino({ level: process.env.LINEGATE_TEST_LOG ?? 'silent' }),
    });
    shell.start();
  });
  assert.ok(shell);
  return { eut, shell, store, events, registrar, dialplan: plan };
}
