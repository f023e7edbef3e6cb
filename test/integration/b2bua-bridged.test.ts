/**
 * Once connected, the two legs behave as one call (issue #3): UPDATE and INFO are relayed
 * with their bodies in both directions, and two re-INVITEs that cross (glare, RFC 3261
 * §14.1) end with a 491 on one side and a retry after the randomised wait that succeeds.
 * sipp plays both legs: the caller (a trunk, UAC) and alice's device (UAS).
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts --timeout 30000 test/integration/b2bua-bridged.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useTestBed, until } from './test-bed.js';
import { startShellBed, testDialplan } from './b2bua-bed.js';
import type { ShellBed } from './b2bua-bed.js';
import type { CallEvent } from '../../src/events/index.js';

type Ended = Extract<CallEvent, { type: 'call.ended' }>;

const ALICE = '+14155550100';

/** One sipp trace entry: when, whether sent or received, and the first line. */
interface Traced {
  at: number;
  sent: boolean;
  firstLine: string;
}

/**
 * The messages of a sipp -trace_msg file. Each starts with a line of dashes and a
 * timestamp ("----- 2026-11-22 07:45:31.424123"), then "UDP message sent|received".
 */
function parseSippTrace(text: string): Traced[] {
  const out: Traced[] = [];
  for (const block of text.split(/^-{20,} /m).slice(1)) {
    const lines = block.split('\n');
    const stamp = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)/.exec(lines[0] ?? '');
    const direction = lines.find((l) => /message (sent|received)/.test(l)) ?? '';
    const firstLine = lines.find((l) => /^(SIP\/2\.0 \d{3}|[A-Z]+ \S+ SIP\/2\.0)/.test(l.trim()))?.trim() ?? '';
    if (!stamp) continue;
    out.push({ at: Date.parse(stamp[1]!.replace(' ', 'T').slice(0, 23)), sent: /sent/.test(direction), firstLine });
  }
  return out;
}

describe('b2bua: a bridged call relays UPDATE, INFO and re-INVITE glare', function () {
  this.timeout(30_000);
  const bed = useTestBed();
  let sb: ShellBed | undefined;
  let traceDir: string | undefined;
  afterEach(async () => {
    await sb?.store.close();
    sb = undefined;
    if (traceDir) rmSync(traceDir, { recursive: true, force: true });
    traceDir = undefined;
  });

  /** Runs caller and device scenarios through the shell; returns the device's message trace. */
  async function bridged(callerScenario: string, deviceScenario: string): Promise<Traced[]> {
    const s = sb = await startShellBed(bed(), () => testDialplan(9));
    traceDir = mkdtempSync(path.join(tmpdir(), 'linegate-bridged-'));
    const file = path.join(traceDir, 'device.log');
    const device = await bed().sipp({ scenario: deviceScenario, extra: ['-trace_msg', '-message_file', file] });
    s.registrar.add('alice', device.port, 'desk');
    const caller = await bed().sipp({ scenario: callerScenario, target: s.eut.udp, service: ALICE });
    const [c, d] = await Promise.all([caller.done, device.done]);
    assert.equal(c.code, 0, `caller\n${c.output}\n\ndevice\n${d.output}`);
    assert.equal(d.code, 0, `device\n${d.output}`);
    await until(() => s.shell.activeCalls() === 0 && s.events.ended().length === 1, 5000, 'call.ended');
    const ended = s.events.ended()[0] as Ended;
    assert.equal(ended.disposition, 'answered');
    assert.equal(ended.hungUpBy, 'caller');
    return parseSippTrace(readFileSync(file, 'utf8'));
  }

  it('UPDATE with SDP from the callee reaches the caller, and the caller\'s answer comes back', async () => {
    const trace = await bridged('b2bua-uac-call-expect-update-answer-bye.xml', 'b2bua-uas-answer-send-update-expect-answer.xml');
    assert.ok(trace.some((m) => m.sent && m.firstLine.startsWith('UPDATE ')));
  });

  it('INFO (application/dtmf-relay) is relayed both ways', async () => {
    const trace = await bridged('b2bua-uac-call-info-both-ways-bye.xml', 'b2bua-uas-answer-info-both-ways-expect-bye.xml');
    assert.equal(trace.filter((m) => m.firstLine.startsWith('INFO ')).length, 2);
  });

  it('crossing re-INVITEs: each gets 491, the shell retries after 2.1-4 s and succeeds; the callee\'s retry succeeds too', async () => {
    const trace = await bridged('b2bua-uac-call-reinvite-glare-expect-retry-200.xml', 'b2bua-uas-answer-reinvite-glare-then-retry.xml');
    // The device's 491 to the relayed re-INVITE, then the shell's retry of that re-INVITE.
    const rejected = trace.find((m) => m.sent && m.firstLine.startsWith('SIP/2.0 491'));
    const received = trace.filter((m) => !m.sent && m.firstLine.startsWith('INVITE '));
    assert.ok(rejected, 'the device sent no 491');
    assert.equal(received.length, 3, 'initial INVITE, relayed re-INVITE, its retry');
    const waitedMs = received[2]!.at - rejected.at;
    // RFC 3261 §14.1: the owner of the Call-ID (the shell, for the leg it placed) waits 2.1-4 s.
    assert.ok(waitedMs >= 2100 && waitedMs <= 4500, `retry after ${waitedMs} ms`);
    // The device's own re-INVITE got 491: from the embedded engine's dialog layer (RFC 3261
    // §14.2, a re-INVITE of its own is pending on that dialog), or on a server that passes it
    // up, from the shell's relay (bridge-relay.ts; unit-tested in test/unit/b2bua/call).
    const theirs491 = trace.filter((m) => !m.sent && m.firstLine.startsWith('SIP/2.0 491'));
    assert.equal(theirs491.length, 1, 'the crossing re-INVITE got one 491');
  });
});
