import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import {
  RECORDING_REFUSAL_STATUS, RecordingService, allows, needsAnchor, strongestPolicy,
  type RecordingResult, type RecordingServiceOptions,
} from '../../../../src/b2bua/recording/index.js';
import { parseCallEvent, type CallEvent } from '../../../../src/events/index.js';
import { LinegateError } from '../../../../src/shared/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeEndpoint, settle } from './fake-media.js';

const EPOCH = Date.UTC(2024, 4, 1, 12, 0, 0);
const CONSENT = '/prompts/recording-notice.wav';

type Available = Extract<CallEvent, { type: 'recording.available' }>;

class Fixture {
  readonly clock = new FakeClock();
  readonly events: CallEvent[] = [];
  /** Calls whose last seq the shell has recorded, with that seq. */
  readonly lastSeq = new Map<string, number>();
  readonly seqAsks: string[] = [];
  service!: RecordingService;

  constructor(readonly dir: string) {}

  make(o: Partial<RecordingServiceOptions> = {}): RecordingService {
    this.service = new RecordingService({
      clock: this.clock,
      logger: pino({ level: 'silent' }),
      events: { append: async (e) => void this.events.push(e) },
      sequence: {
        next: async (callId) => {
          this.seqAsks.push(callId);
          const last = this.lastSeq.get(callId);
          if (last === undefined) throw new LinegateError('CALL_SEQUENCE_UNKNOWN', 'not yet');
          this.lastSeq.set(callId, last + 1);
          return last + 1;
        },
      },
      users: [
        { id: 'alice', recording: 'always' },
        { id: 'bob', recording: 'on-demand' },
        { id: 'carol', recording: 'never' },
      ],
      dir: this.dir,
      epochNow: () => EPOCH + this.clock.now(),
      ...o,
    });
    return this.service;
  }

  media(): { caller: FakeEndpoint; callee: FakeEndpoint; closed: Promise<void> } {
    const caller = new FakeEndpoint('A', {});
    const callee = new FakeEndpoint('B', {});
    return { caller, callee, closed: Promise.race([caller.closed, callee.closed]) };
  }

  available(): Available[] {
    return this.events.filter((e): e is Available => e.type === 'recording.available');
  }
}

function refused(r: RecordingResult | undefined, code: string): void {
  assert.ok(r && !r.ok, `expected a refusal ${code}, got ${JSON.stringify(r)}`);
  assert.equal(r.code, code);
}

function accepted(r: RecordingResult | undefined, state: string): string | undefined {
  assert.ok(r && r.ok, `expected ok (${state}), got ${JSON.stringify(r)}`);
  assert.equal(r.state, state);
  return r.recordingId;
}

describe('recording policy', () => {
  it('anchors only calls whose policy allows recording', () => {
    assert.equal(needsAnchor('never'), false);
    assert.equal(needsAnchor('on-demand'), true);
    assert.equal(needsAnchor('always'), true);
  });

  it('the strongest policy of a call’s users applies', () => {
    assert.equal(strongestPolicy([]), 'never');
    assert.equal(strongestPolicy(['never', 'on-demand']), 'on-demand');
    assert.equal(strongestPolicy(['on-demand', 'always', 'never']), 'always');
  });

  it('never allows nothing; always allows all but stop; on-demand allows all', () => {
    const actions = ['start', 'pause', 'resume', 'stop'] as const;
    assert.deepEqual(actions.map((a) => allows('never', a)), [false, false, false, false]);
    assert.deepEqual(actions.map((a) => allows('always', a)), [true, true, true, false]);
    assert.deepEqual(actions.map((a) => allows('on-demand', a)), [true, true, true, true]);
  });

  it('maps each refusal to an HTTP status', () => {
    assert.equal(RECORDING_REFUSAL_STATUS['not-found'], 404);
    assert.equal(RECORDING_REFUSAL_STATUS['not-allowed-by-policy'], 409);
    assert.equal(RECORDING_REFUSAL_STATUS['already-recording'], 409);
    assert.equal(RECORDING_REFUSAL_STATUS['media-failed'], 502);
  });
});

describe('RecordingService', () => {
  let dir: string;
  let f: Fixture;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-rec-unit-'));
    f = new Fixture(dir);
  });

  afterEach(async () => {
    f.service?.destroy();
    assert.equal(f.clock.pending(), 0, 'no timer left behind');
    await rm(dir, { recursive: true, force: true });
  });

  describe('policy', () => {
    it('always: the consent plays on both legs at the same time, then the caller’s endpoint records', async () => {
      const s = f.make({ consentPrompt: CONSENT });
      assert.equal(s.needsAnchor(['alice']), true);
      const m = f.media();
      const started = s.callAnswered({ callId: 'c1', userIds: ['alice'], media: m });
      await settle();
      assert.equal(s.state('c1'), 'starting');
      assert.deepEqual(m.caller.plays.map((p) => p.files), [CONSENT]);
      assert.deepEqual(m.callee.plays.map((p) => p.files), [CONSENT], 'both hear it, started together');
      assert.equal(m.caller.recordings.length, 0, 'nothing recorded during the announcement');
      m.caller.playing!.finish();
      await settle();
      assert.equal(m.caller.recordings.length, 0, 'waits for both announcements');
      m.callee.playing!.finish();
      const id = accepted(await started, 'recording');
      assert.equal(m.caller.recordings.length, 1);
      assert.equal(m.callee.recordings.length, 0, 'recordCall on A: caller left, callee right');
      const path = m.caller.recordings[0]!.path;
      assert.equal(dirname(path), join(dir, 'alice'));
      assert.equal(path, join(dir, 'alice', `${id}.wav`));
      assert.match(id!, /^2024-05-01T12-00-00-000Z-[0-9a-f]{8}$/);
    });

    it('on-demand: nothing is recorded until the control API asks', async () => {
      const s = f.make();
      const m = f.media();
      assert.equal(await s.callAnswered({ callId: 'c1', userIds: ['bob'], media: m }), undefined);
      assert.equal(s.state('c1'), 'idle');
      assert.equal(m.caller.recordings.length, 0);
      accepted(await s.startRecording('bob', 'c1'), 'recording');
      assert.equal(m.caller.recordings.length, 1);
    });

    it('never: not anchored, and the control API is refused (409)', async () => {
      const s = f.make();
      assert.equal(s.needsAnchor(['carol']), false);
      assert.equal(s.needsAnchor(['nobody-known']), false);
      await s.callAnswered({ callId: 'c1', userIds: ['carol'], media: f.media() });
      for (const r of [
        await s.startRecording('carol', 'c1'), await s.pauseRecording('carol', 'c1'),
        await s.resumeRecording('carol', 'c1'), await s.stopRecording('carol', 'c1'),
      ]) refused(r, 'not-allowed-by-policy');
    });

    it('always: pause and resume are allowed, stop is not', async () => {
      const s = f.make();
      const m = f.media();
      accepted(await s.callAnswered({ callId: 'c1', userIds: ['alice'], media: m }), 'recording');
      refused(await s.stopRecording('alice', 'c1'), 'not-allowed-by-policy');
      accepted(await s.pauseRecording('alice', 'c1'), 'paused');
      accepted(await s.resumeRecording('alice', 'c1'), 'recording');
      refused(await s.startRecording('alice', 'c1'), 'already-recording');
      assert.deepEqual(m.caller.recordings[0]!.calls, ['pause', 'resume']);
    });

    it('a call between users takes the strongest policy, and recording.available names its user', async () => {
      const s = f.make();
      assert.equal(s.policyOf(['carol', 'alice']), 'always');
      const m = f.media();
      accepted(await s.callAnswered({ callId: 'c1', userIds: ['carol', 'alice'], media: m }), 'recording');
      assert.equal(dirname(m.caller.recordings[0]!.path), join(dir, 'alice'));
      f.lastSeq.set('c1', 4);
      await s.callEnded('c1');
      assert.equal(f.available()[0]!.userId, 'alice');
    });
  });

  describe('state machine', () => {
    it('start → pause → resume → stop, with idempotent pause/resume and clear refusals', async () => {
      const s = f.make();
      const m = f.media();
      await s.callAnswered({ callId: 'c1', userIds: ['bob'], media: m });
      refused(await s.pauseRecording('bob', 'c1'), 'not-recording');
      refused(await s.resumeRecording('bob', 'c1'), 'not-recording');
      refused(await s.stopRecording('bob', 'c1'), 'not-recording');
      const id = accepted(await s.startRecording('bob', 'c1'), 'recording');
      refused(await s.startRecording('bob', 'c1'), 'already-recording');
      assert.equal(accepted(await s.resumeRecording('bob', 'c1'), 'recording'), id, 'resume while recording: no-op');
      accepted(await s.pauseRecording('bob', 'c1'), 'paused');
      accepted(await s.pauseRecording('bob', 'c1'), 'paused');
      assert.equal(s.state('c1'), 'paused');
      accepted(await s.resumeRecording('bob', 'c1'), 'recording');
      assert.equal(accepted(await s.stopRecording('bob', 'c1'), 'idle'), id);
      refused(await s.stopRecording('bob', 'c1'), 'not-recording');
      assert.deepEqual(m.caller.recordings[0]!.calls, ['pause', 'resume', 'stop']);
      // A second piece of the same call is a new file.
      const id2 = accepted(await s.startRecording('bob', 'c1'), 'recording');
      assert.notEqual(id2, id);
      assert.equal(m.caller.recordings.length, 2);
    });

    it('an unknown call, or a user not in the call, is not-found (404); a `never` user is refused (409) whatever the call', async () => {
      const s = f.make();
      await s.callAnswered({ callId: 'c1', userIds: ['bob'], media: f.media() });
      refused(await s.startRecording('bob', 'nope'), 'not-found');
      refused(await s.startRecording('alice', 'c1'), 'not-found');
      // The shell anchors (and so reports) no call whose users are all `never`: the same
      // refusal for a call the service knows and one it does not tells carol nothing.
      refused(await s.stopRecording('carol', 'c1'), 'not-allowed-by-policy');
      refused(await s.startRecording('carol', 'nope'), 'not-allowed-by-policy');
    });

    it('a pause sent during the consent announcement applies once the recording has started', async () => {
      const s = f.make({ consentPrompt: CONSENT });
      const m = f.media();
      await s.callAnswered({ callId: 'c1', userIds: ['bob'], media: m });
      const start = s.startRecording('bob', 'c1');
      await settle();
      const pause = s.pauseRecording('bob', 'c1');
      await settle();
      assert.equal(s.state('c1'), 'starting');
      m.caller.playing!.finish();
      m.callee.playing!.finish();
      accepted(await start, 'recording');
      accepted(await pause, 'paused');
      assert.deepEqual(m.caller.recordings[0]!.calls, ['pause']);
    });

    it('stop during the announcement cuts it short on both legs and records nothing', async () => {
      const s = f.make({ consentPrompt: CONSENT });
      const m = f.media();
      await s.callAnswered({ callId: 'c1', userIds: ['bob'], media: m });
      const start = s.startRecording('bob', 'c1');
      await settle();
      accepted(await s.stopRecording('bob', 'c1'), 'idle');
      refused(await start, 'not-recording');
      assert.equal(m.caller.stopPlayCalls, 1);
      assert.equal(m.callee.stopPlayCalls, 1);
      assert.equal(m.caller.recordings.length, 0);
      assert.equal(s.state('c1'), 'idle');
    });

    it('hang-up during the announcement: nothing is recorded, start answers call-ended', async () => {
      const s = f.make({ consentPrompt: CONSENT });
      const m = f.media();
      const start = s.callAnswered({ callId: 'c1', userIds: ['alice'], media: m });
      await settle();
      await s.callEnded('c1');
      refused(await start, 'call-ended');
      assert.equal(m.caller.recordings.length, 0);
      assert.equal(m.callee.stopPlayCalls, 1);
      refused(await s.startRecording('alice', 'c1'), 'not-found');
      assert.deepEqual(f.available(), []);
    });

    it('media-failed when the announcement or the recording cannot start', async () => {
      const s = f.make({ consentPrompt: CONSENT });
      const m = f.media();
      m.callee.playError = new Error('ENOENT recording-notice.wav');
      await s.callAnswered({ callId: 'c1', userIds: ['bob'], media: m });
      refused(await s.startRecording('bob', 'c1'), 'media-failed');
      assert.equal(m.caller.stopPlayCalls, 1, 'the other leg’s announcement is stopped');
      assert.equal(m.caller.recordings.length, 0, 'no consent, no recording');
      m.callee.playError = undefined;
      m.caller.recordCallError = new LinegateError('MEDIA_NOT_BRIDGED', 'x');
      const starting = s.startRecording('bob', 'c1');
      await settle();
      m.caller.playing!.finish();
      m.callee.playing!.finish();
      refused(await starting, 'media-failed');
      assert.equal(s.state('c1'), 'idle');
    });
  });

  describe('hang-up and recording.available', () => {
    it('stops at hang-up and announces the file once the call’s last seq is recorded', async () => {
      const s = f.make({ urlOf: (u, r) => `/v1/users/${u}/recordings/${r}` });
      const m = f.media();
      const id = accepted(await s.callAnswered({ callId: 'c1', userIds: ['alice'], media: m }), 'recording');
      f.clock.advance(5000);
      const ended = s.callEnded('c1');
      await settle();
      assert.deepEqual(m.caller.recordings[0]!.calls, ['stop']);
      assert.deepEqual(f.available(), [], 'the shell has not recorded the call’s last seq yet');
      f.lastSeq.set('c1', 6);
      f.clock.advance(200);
      await ended;
      const [e] = f.available();
      assert.deepEqual(e, {
        type: 'recording.available', v: 1, callId: 'c1', seq: 7, at: new Date(EPOCH + 5000).toISOString(), userId: 'alice',
        recordingId: id, path: join(dir, 'alice', `${id}.wav`), url: `/v1/users/alice/recordings/${id}`,
        durationMs: 1234, channels: 2, layout: 'caller-left,callee-right',
      });
      const parsed = parseCallEvent(JSON.parse(JSON.stringify(e)));
      assert.ok(parsed.ok, JSON.stringify(parsed));
      assert.deepEqual(parsed.event, e);
      assert.equal(s.state('c1'), undefined, 'forgotten');
    });

    it('a recording stopped mid-call is announced when the call ends, one event per file, seqs in order', async () => {
      const s = f.make();
      const m = f.media();
      await s.callAnswered({ callId: 'c1', userIds: ['bob'], media: m });
      const first = accepted(await s.startRecording('bob', 'c1'), 'recording');
      accepted(await s.stopRecording('bob', 'c1'), 'idle');
      await settle();
      assert.deepEqual(f.available(), [], 'not while the call runs (the shell owns its seq)');
      const second = accepted(await s.startRecording('bob', 'c1'), 'recording');
      m.caller.recordings[1]!.stopDurationMs = 500;
      f.lastSeq.set('c1', 5);
      await s.callEnded('c1');
      assert.deepEqual(f.available().map((e) => [e.recordingId, e.seq, e.durationMs]), [[first, 6, 1234], [second, 7, 500]]);
      assert.equal(f.available()[0]!.url, undefined, 'no url without urlOf');
    });

    it('the anchor going away (media timeout, close) ends the recording like a hang-up', async () => {
      const s = f.make();
      const m = f.media();
      f.lastSeq.set('c1', 3);
      accepted(await s.callAnswered({ callId: 'c1', userIds: ['alice'], media: m }), 'recording');
      await m.callee.destroy();
      await settle();
      assert.deepEqual(m.caller.recordings[0]!.calls, ['stop']);
      assert.equal(f.available().length, 1);
      await s.callEnded('c1'); // the shell's own hook afterwards: a no-op
      assert.equal(f.available().length, 1);
    });

    it('a stop that fails (endpoint already gone) still announces the file, its duration from the clock', async () => {
      const s = f.make();
      const m = f.media();
      accepted(await s.callAnswered({ callId: 'c1', userIds: ['alice'], media: m }), 'recording');
      m.caller.recordings[0]!.stopError = new LinegateError('MEDIA_ENDPOINT_GONE', 'gone');
      f.clock.advance(3000);
      f.lastSeq.set('c1', 1);
      await s.callEnded('c1');
      assert.equal(f.available()[0]!.durationMs, 3000);
    });

    it('gives up (logged) when the call’s seq never shows up, and leaves no timer', async () => {
      const s = f.make();
      accepted(await s.callAnswered({ callId: 'c1', userIds: ['alice'], media: f.media() }), 'recording');
      const ended = s.callEnded('c1');
      for (let i = 0; i < 60; i++) {
        await settle(5);
        f.clock.advance(200);
      }
      await ended;
      assert.deepEqual(f.available(), []);
      assert.equal(f.seqAsks.length, 50);
    });

    it('close() finishes the recordings in progress and waits for their events', async () => {
      const s = f.make();
      const m = f.media();
      accepted(await s.callAnswered({ callId: 'c1', userIds: ['alice'], media: m }), 'recording');
      f.lastSeq.set('c1', 2);
      await s.close();
      assert.deepEqual(m.caller.recordings[0]!.calls, ['stop']);
      assert.equal(f.available().length, 1);
      assert.equal(await s.callAnswered({ callId: 'c2', userIds: ['alice'], media: f.media() }), undefined, 'closed: nothing new');
    });
  });
});
