/**
 * Shared by the tests that start what `make run` starts (startLineGate on the example
 * dialplan): the published demo secrets, a Digest REGISTER for a demo user, the control API
 * with the demo token, the app itself on a temp copy of the example (useExampleApp) and the
 * voice prompts (usePrompts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { LagSource } from '../../src/b2bua/call/index.js';
import { DEMO_SECRET_DEFAULTS, readEngineFlags } from '../../src/config/index.js';
import { startLineGate } from '../../src/main.js';
import type { RunningLineGate } from '../../src/main.js';
import type { Registry } from '../../src/observability/index.js';
import { runtimePortRange } from '../helpers/rtp-peer.js';
import { authorization, parseChallenge } from '../helpers/digest-client.js';
import { UdpSipClient } from '../helpers/udp-sip-client.js';
import { SECRET, type TestBed } from './test-bed.js';
import { buildPrompts } from './voicemail-bed.js';

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

/** What a test gets back from ExampleApp.start(): the app and the engine's UDP SIP port. */
export interface StartedExampleApp {
  app: RunningLineGate;
  sipPort: number;
}

export interface ExampleAppOptions {
  /** Voicemail prompts (usePrompts): sets voicemail.promptsDir and silenceTimeoutMs (default 4000). */
  promptsDir?: string;
  silenceTimeoutMs?: number;
  /** Applied last to the example's YAML (e.g. point the trunk at a sipp). */
  edit?: (yaml: string) => string;
  registry?: Registry;
  lagSource?: LagSource;
}

export interface ExampleApp {
  /** startLineGate on a temp copy of dialplans/example.yaml with this run's RTP ports and a fresh var dir. */
  start(o?: ExampleAppOptions): Promise<StartedExampleApp>;
  /** The app of this test, once started. */
  current(): RunningLineGate | undefined;
  /** Its var dir (store, events, voicemail, recordings); throws before start(). */
  varDir(): string;
  /** Run after the app closes, in order (peers, clients). */
  closers: Array<() => Promise<void>>;
}

/**
 * What `make run` starts, for one test at a time. Call it BEFORE useTestBed(): mocha runs
 * afterEach hooks in the order they were registered, and the app's srf must leave before the
 * TestBed closes the engine (srf reconnects to a server that went away).
 */
export function useExampleApp(bed: () => TestBed, varPrefix: string): ExampleApp {
  let app: RunningLineGate | undefined;
  let varDir: string | undefined;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const c of closers.splice(0)) await c();
    if (varDir) rmSync(varDir, { recursive: true, force: true });
    varDir = undefined;
  });
  return {
    closers,
    current: () => app,
    varDir: () => {
      assert.ok(varDir, 'start() the app first');
      return varDir;
    },
    async start(o = {}) {
      const eut = await bed().startEngine();
      const flags = readEngineFlags(['--address', '127.0.0.1', '--port', String(eut.engine.wireAddress().port), '--secret', SECRET]);
      assert.ok(flags.ok);
      varDir = mkdtempSync(path.join(tmpdir(), `linegate-${varPrefix}-`));
      const ports = runtimePortRange();
      const example = readFileSync('dialplans/example.yaml', 'utf8');
      let yaml = example
        .replace(/rtpPortMin: \d+/, `rtpPortMin: ${ports.min}`)
        .replace(/rtpPortMax: \d+/, `rtpPortMax: ${ports.max}`);
      if (o.promptsDir) {
        yaml = yaml.replace(/^voicemail:\n/m, `voicemail:\n  promptsDir: ${JSON.stringify(o.promptsDir)}\n  silenceTimeoutMs: ${o.silenceTimeoutMs ?? 4000}\n`);
      }
      yaml = o.edit ? o.edit(yaml) : yaml;
      assert.notEqual(yaml, example, 'the example dialplan still has the fields this bed rewrites');
      const file = path.join(varDir, 'dialplan.yaml');
      writeFileSync(file, yaml);
      const started = await startLineGate({
        flags: flags.flags, engine: eut.engine, log: pino({ level: 'silent' }), varDir, dialplanPath: file,
        ...(o.registry ? { registry: o.registry } : {}), ...(o.lagSource ? { lagSource: o.lagSource } : {}),
        env: { LINEGATE_CONTROL_ADDRESS: '127.0.0.1', LINEGATE_CONTROL_PORT: '0', LINEGATE_CRM: 'off' },
      });
      assert.ok(started, 'the dialplan loads');
      app = started;
      return { app: started, sipPort: Number(eut.udp.split(':')[1]) };
    },
  };
}

/** The voice prompts rendered once for a describe block (espeak-ng), in a temp folder removed after it. */
export function usePrompts(prefix: string): () => string {
  let dir = '';
  before(function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(tmpdir(), `linegate-${prefix}-prompts-`));
    buildPrompts(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
