import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  RecordingService, controlRecording, isRecordingAction, recordingApiAnswer, safeSegment,
} from '../../../../src/b2bua/recording/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { FakeEndpoint } from './fake-media.js';

describe('recording control API adapter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-rec-api-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs each action and answers 200 or the refusal’s status with a stable code', async () => {
    const clock = new FakeClock();
    const service = new RecordingService({
      clock, logger: pino({ level: 'silent' }), events: { append: async () => undefined }, sequence: { next: async () => 1 },
      users: [{ id: 'bob', recording: 'on-demand' }, { id: 'carol', recording: 'never' }], dir,
    });
    const media = { caller: new FakeEndpoint('A', {}), callee: new FakeEndpoint('B', {}) };
    await service.callAnswered({ callId: 'c1', userIds: ['bob'], media });
    await service.callAnswered({ callId: 'c2', userIds: ['carol'], media: { caller: new FakeEndpoint('C', {}), callee: new FakeEndpoint('D', {}) } });
    const answer = async (action: string, userId: string, callId: string): Promise<{ status: number; body: unknown }> => {
      assert.ok(isRecordingAction(action));
      return recordingApiAnswer(callId, await controlRecording(service, action, userId, callId));
    };
    const started = await answer('start', 'bob', 'c1');
    assert.equal(started.status, 200);
    const recordingId = (started.body as { recordingId: string }).recordingId;
    assert.deepEqual(started.body, { callId: 'c1', state: 'recording', recordingId });
    assert.deepEqual((await answer('pause', 'bob', 'c1')).body, { callId: 'c1', state: 'paused', recordingId });
    assert.deepEqual((await answer('resume', 'bob', 'c1')).body, { callId: 'c1', state: 'recording', recordingId });
    assert.deepEqual(await answer('stop', 'bob', 'c1'), { status: 200, body: { callId: 'c1', state: 'idle', recordingId } });
    const code = (r: { status: number; body: unknown }): [number, string] => [r.status, (r.body as { error: { code: string } }).error.code];
    assert.deepEqual(code(await answer('stop', 'bob', 'c1')), [409, 'RECORDING_NOT_ACTIVE']);
    assert.deepEqual(code(await answer('start', 'carol', 'c2')), [409, 'RECORDING_NOT_ALLOWED']);
    assert.deepEqual(code(await answer('start', 'bob', 'c2')), [404, 'CALL_NOT_FOUND']);
    await answer('start', 'bob', 'c1');
    assert.deepEqual(code(await answer('start', 'bob', 'c1')), [409, 'RECORDING_ALREADY_ACTIVE']);
    assert.equal(isRecordingAction('delete'), false);
    service.destroy();
  });

  it('a user id becomes one safe folder name', () => {
    assert.equal(safeSegment('alice'), 'alice');
    assert.equal(safeSegment('+14155550100'), '+14155550100');
    assert.equal(safeSegment('../../etc'), '.._.._etc');
    assert.equal(safeSegment('..'), '_');
    assert.equal(safeSegment(''), '_');
    assert.equal(safeSegment('a/b\\c d'), 'a_b_c_d');
  });
});
