/**
 * How the composition roots wire the file event log's size cap and lock: `linegate run`
 * (startLineGate) and `linegate crm-worker` refuse an event-log directory another log
 * holds, with the message naming it and the fix; trims and stale locks reach the pino log.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { readEngineFlags } from '../../src/config/index.js';
import { fileEventLogWarnings, runCrmCli } from '../../src/crm-main.js';
import { FileEventLog } from '../../src/events/index.js';
import { startLineGate } from '../../src/main.js';
import type { Logger } from '../../src/observability/index.js';
import { callStarted } from '../contract/call-event-samples.js';

/** A pino logger whose lines land in `lines`. */
function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

async function withStderr<T>(fn: () => Promise<T>): Promise<{ result: T; stderr: string; exitCode: typeof process.exitCode }> {
  const write = process.stderr.write.bind(process.stderr);
  const savedCode = process.exitCode;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, stderr, exitCode: process.exitCode };
  } finally {
    process.stderr.write = write;
    process.exitCode = savedCode;
  }
}

describe('event log wiring in the composition roots', () => {
  let dir = '';
  const logs: FileEventLog[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-wiring-'));
  });
  afterEach(async () => {
    for (const l of logs.splice(0)) await l.close();
    await rm(dir, { recursive: true, force: true });
  });
  const holdEvents = async (eventsDir: string): Promise<void> => {
    const holder = new FileEventLog({ dir: eventsDir });
    logs.push(holder);
    await holder.start();
  };

  it('`linegate run` stops with the lock message (exit 1) when its events directory is in use', async () => {
    const eventsDir = join(dir, 'events');
    await holdEvents(eventsDir);
    const flags = readEngineFlags(['--address', '127.0.0.1', '--port', '9', '--secret', 's']);
    assert.ok(flags.ok);
    const { result, stderr, exitCode } = await withStderr(() => startLineGate({
      flags: flags.flags,
      // Never reached: the event log is opened before the engine is used.
      engine: { wireAddress: () => { throw new Error('the engine must not be used'); } },
      log: pino({ level: 'silent' }), varDir: dir, env: { LINEGATE_CRM: 'off' },
    }));
    assert.equal(result, undefined);
    assert.equal(exitCode, 1);
    assert.ok(stderr.includes(eventsDir) && stderr.includes(`pid ${process.pid}`), stderr);
  });

  it('`linegate crm-worker` exits 1 with the lock message when the file log is in use', async () => {
    const eventsDir = join(dir, 'events');
    await holdEvents(eventsDir);
    const file = join(dir, 'crm.yaml');
    await writeFile(file, [
      'version: 1', 'gatewayId: gw1', `dataDir: ${dir}`,
      'salesforce:', '  loginUrl: http://127.0.0.1:9', '  auth:', '    kind: password', '    username: u@x.com',
      '    password: { env: WIRING_SF_PASSWORD }', '    securityToken: { env: WIRING_SF_TOKEN }',
      `events: { backend: file, dir: ${eventsDir}, maxBytes: 67108864 }`,
    ].join('\n'));
    const err: string[] = [];
    process.env['WIRING_SF_PASSWORD'] = 'p';
    process.env['WIRING_SF_TOKEN'] = 't';
    try {
      const code = await runCrmCli(['crm-worker', '--config', file], {
        out: () => undefined, err: (t) => err.push(t), untilSignal: async () => undefined, logger: pino({ level: 'silent' }),
      });
      assert.equal(code, 1);
    } finally {
      delete process.env['WIRING_SF_PASSWORD'];
      delete process.env['WIRING_SF_TOKEN'];
    }
    assert.match(err.join(''), /another data directory/);
    assert.ok(err.join('').includes(eventsDir), err.join(''));
  });

  it('logs a warning for a trim that deleted unacknowledged events, info for a routine one, and a warning for a stale lock', async () => {
    const { log, lines } = capturingLogger();
    await writeFile(join(dir, 'LOCK'), `${JSON.stringify({ pid: process.pid, startedAt: '2024-05-01T12:00:00.000Z' })}\n`);
    const events = new FileEventLog({ dir, segmentBytes: 1000, maxBytes: 3000, ...fileEventLogWarnings(log, dir) });
    logs.push(events);
    await events.start();
    assert.deepEqual(lines.map((l) => [l['level'], l['pid'], l['dir']]), [[40, process.pid, dir]], 'stale lock: a warning with the pid');
    lines.length = 0;
    for (let i = 1; i <= 30; i++) await events.append(callStarted(i));
    assert.ok(lines.length > 0 && lines.every((l) => l['level'] === 30 && l['unacknowledged'] === 0), 'no group: info only');
    lines.length = 0;
    await events.read('crm', 'c', 1, 0); // a consumer that falls behind
    for (let i = 31; i <= 60; i++) await events.append(callStarted(i));
    const warned = lines.filter((l) => l['level'] === 40);
    assert.ok(warned.length > 0, JSON.stringify(lines));
    assert.ok(warned.every((l) => Number(l['unacknowledged']) > 0 && typeof l['msg'] === 'string' && /not acknowledged/.test(l['msg'])));
    assert.equal(warned.reduce((n, l) => n + Number(l['unacknowledged']), 0), events.stats().trimmedEvents);
  });
});
