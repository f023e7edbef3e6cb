/**
 * A running control API for tests: a two-user dialplan, a MemoryStore, a FileEventLog in
 * a temp dir, a recording CallControl, and the server on 127.0.0.1:0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlServer, CALL_NOT_ACTIVE } from '../../../../src/b2bua/index.js';
import type { CallControl } from '../../../../src/b2bua/index.js';
import { parseDialplan } from '../../../../src/config/index.js';
import type { Dialplan } from '../../../../src/config/index.js';
import { FileEventLog } from '../../../../src/events/index.js';
import { LinegateError } from '../../../../src/shared/index.js';
import { MemoryStore } from '../../../../src/state/index.js';

export const TOKEN = 'test-token-5f2a9c0e7b';

const DIALPLAN = `
version: 1
domain: pbx.test
defaultCountry: US
controlApi: { token: { env: CONTROL_TOKEN } }
voicemail: { serviceUri: "sip:vm@pbx.test" }
users:
  - id: alice
    businessNumber: "+14155550100"
    extension: "100"
    sip: { password: { env: ALICE_PW } }
    voicemail: { enabled: true, pin: { env: ALICE_PIN } }
    forwarding: { noAnswer: voicemail }
    blockList: { numbers: ["+14155550166"] }
    emergencyAddress: { street: 1 Market St, city: San Francisco, region: CA, postalCode: "94105", country: US }
  - id: bob
    businessNumber: "+14155550101"
    extension: "101"
    sip: { password: { env: BOB_PW } }
trunks:
  - name: carrier
    outbound: { uri: "sip:127.0.0.1:5080" }
emergency: { numbers: ["911", "933"], trunk: carrier }
`;

export function testDialplan(): Dialplan {
  const env = { CONTROL_TOKEN: TOKEN, ALICE_PW: 'alice-password', ALICE_PIN: '1234', BOB_PW: 'bob-password' };
  const result = parseDialplan(DIALPLAN, { file: 'control-test.yaml', env });
  if (!result.ok) throw new Error(`test dialplan: ${JSON.stringify(result.errors)}`);
  return result.dialplan;
}

export type Recorded =
  | { type: 'clickToCall'; userId: string; destination: string; opportunityId?: string }
  | { type: 'addNote'; callId: string; userId: string; text: string }
  | { type: 'tagOpportunity'; callId: string; userId: string; opportunityId: string };

/** Calls in `live` are in progress; others are refused with CALL_NOT_ACTIVE, as the shell does. */
export class RecordingCallControl implements CallControl {
  readonly calls: Recorded[] = [];
  readonly live = new Set<string>();
  failClickToCall = false;
  private next = 1;

  async clickToCall(userId: string, destination: string, opts: { opportunityId?: string } = {}): Promise<{ callId: string }> {
    if (this.failClickToCall) throw new LinegateError('NO_DEVICES', 'alice has no registered device');
    this.calls.push({ type: 'clickToCall', userId, destination, ...opts });
    const callId = `c2c-${this.next++}`;
    this.live.add(callId);
    return { callId };
  }

  async addNote(callId: string, userId: string, text: string): Promise<void> {
    if (!this.live.has(callId)) throw new LinegateError(CALL_NOT_ACTIVE, 'not here');
    this.calls.push({ type: 'addNote', callId, userId, text });
  }

  async tagOpportunity(callId: string, userId: string, opportunityId: string): Promise<void> {
    if (!this.live.has(callId)) throw new LinegateError(CALL_NOT_ACTIVE, 'not here');
    this.calls.push({ type: 'tagOpportunity', callId, userId, opportunityId });
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface Harness {
  server: ControlServer;
  store: MemoryStore;
  events: FileEventLog;
  calls: RecordingCallControl;
  base: string;
  request(method: string, path: string, body?: unknown, options?: { token?: string | null; raw?: string; contentType?: string }): Promise<Reply>;
  stop(): Promise<void>;
}

export const WALL_NOW = Date.parse('2024-05-01T12:00:00.000Z');

export async function startHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'linegate-control-'));
  const store = new MemoryStore();
  const events = new FileEventLog({ dir });
  const calls = new RecordingCallControl();
  await store.start();
  await events.start();
  const dialplan = testDialplan();
  const token = dialplan.controlApi?.token;
  if (!token) throw new Error('test dialplan has no control API token');
  const server = new ControlServer({ address: '127.0.0.1', port: 0, token, dialplan, store, events, calls, wallNow: () => WALL_NOW });
  await server.start();
  const base = `http://127.0.0.1:${server.address().port}`;
  const request: Harness['request'] = async (method, path, body, options = {}) => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? TOKEN : options.token;
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    const text = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (text !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const res = await fetch(base + path, { method, headers, body: text });
    const type = res.headers.get('content-type') ?? '';
    const raw = await res.text();
    return { status: res.status, headers: res.headers, body: type.startsWith('application/json') ? JSON.parse(raw) : raw };
  };
  const stop = async (): Promise<void> => {
    await server.close();
    await events.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { server, store, events, calls, base, request, stop };
}

/** The `error` object of an error reply. */
export function errorOf(reply: Reply): { code: string; message: string; field?: string; currentVersion?: number } {
  return (reply.body as { error: { code: string; message: string; field?: string; currentVersion?: number } }).error;
}
