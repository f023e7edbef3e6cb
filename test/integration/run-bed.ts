/**
 * Shared by the tests that start what `make run` starts (startLineGate on the example
 * dialplan): the published demo secrets, a Digest REGISTER for a demo user, and the
 * control API with the demo token.
 */
import assert from 'node:assert/strict';
import { DEMO_SECRET_DEFAULTS } from '../../src/config/index.js';
import type { RunningLineGate } from '../../src/main.js';
import { authorization, parseChallenge } from '../helpers/digest-client.js';
import { UdpSipClient } from '../helpers/udp-sip-client.js';

/** The demo value, unless the environment sets its own (readDialplan's demo mode prefers it). */
export function demoSecret(name: string): string {
  return process.env[name] ?? DEMO_SECRET_DEFAULTS[name] ?? '';
}

export const demoPassword = (user: string): string => demoSecret(`LINEGATE_DEMO_${user.toUpperCase()}_PASSWORD`);
export const DEMO_TOKEN = demoSecret('LINEGATE_DEMO_CONTROL_TOKEN');

export interface RegisterOptions {
  /** Default: a client of its own, closed afterwards. */
  client?: UdpSipClient;
  /** Same Call-ID for every REGISTER of this user by default; CSeq must then rise (RFC 3261 §10.3 step 7). */
  callId?: string;
  cseqBase?: number;
  password?: string;
}

/** REGISTER `user` with Digest (the first challenge offered), binding `contact` (a URI). */
export async function registerAt(sipPort: number, user: string, contact: string, o: RegisterOptions = {}): Promise<void> {
  const client = o.client ?? (await UdpSipClient.open());
  const callId = o.callId ?? `run-bed-reg-${user}-${client.port}`;
  const base = o.cseqBase ?? 0;
  try {
    const uri = 'sip:127.0.0.1';
    const req = (cseq: number, auth?: string): string => [
      `REGISTER ${uri} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=z9hG4bK-${callId}-${cseq};rport`, 'Max-Forwards: 70',
      `From: <sip:${user}@127.0.0.1>;tag=${callId}`, `To: <sip:${user}@127.0.0.1>`, `Call-ID: ${callId}`, `CSeq: ${cseq} REGISTER`,
      `Contact: <${contact}>`, 'Expires: 300', ...(auth ? [`Authorization: ${auth}`] : []), 'Content-Length: 0', '', '',
    ].join('\r\n');
    const first = await client.request(req(base + 1), sipPort);
    assert.equal(first.status, 401);
    const challenge = parseChallenge(first.all('WWW-Authenticate')[0] ?? '');
    const credentials = { username: user, password: o.password ?? demoPassword(user), method: 'REGISTER', uri };
    const second = await client.request(req(base + 2, authorization(challenge, credentials)), sipPort);
    assert.equal(second.status, 200, `${user} did not register: ${second.status} ${second.reason}`);
  } finally {
    if (!o.client) await client.close();
  }
}

/** A control API request with the demo token. */
export async function controlApi(app: RunningLineGate, method: string, urlPath: string, body?: unknown): Promise<Response> {
  const control = app.controlApi;
  assert.ok(control, 'the example dialplan starts the control API');
  return fetch(`${control.url}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${DEMO_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
