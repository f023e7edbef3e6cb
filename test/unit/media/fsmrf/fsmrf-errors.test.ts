import assert from 'node:assert/strict';
import { commandError, endpointCreationError, modifyError } from '../../../../src/media/fsmrf/fsmrf-errors.js';
import { LinegateError } from '../../../../src/shared/index.js';

/** drachtio-srf's SipError carries the final status in `status`. */
const sipError = (status: number): Error => Object.assign(new Error(`Sip non-success response: ${status}`), { status });

describe('fsmrf: errors as MEDIA_* codes', () => {
  it('createEndpoint: SDP rejections, an unready server, anything else', () => {
    for (const status of [415, 488, 606]) assert.equal(endpointCreationError(sipError(status)).code, 'MEDIA_NO_COMMON_CODEC');
    assert.equal(endpointCreationError(sipError(503)).code, 'MEDIA_ENDPOINT_FAILED');
    assert.equal(endpointCreationError(new Error('too early: mediaserver is not connected')).code, 'MEDIA_SERVER_UNAVAILABLE');
    assert.equal(endpointCreationError(new Error('Connection timeout')).code, 'MEDIA_ENDPOINT_FAILED');
    const mine = new LinegateError('MEDIA_BAD_FILE', 'x');
    assert.equal(endpointCreationError(mine), mine);
  });

  it('modify: SDP rejections, other failures', () => {
    assert.equal(modifyError(sipError(488)).code, 'MEDIA_NO_COMMON_CODEC');
    assert.equal(modifyError(sipError(481)).code, 'MEDIA_MODIFY_FAILED');
    assert.equal(modifyError(new Error('invalid request to modify a completed dialog')).code, 'MEDIA_MODIFY_FAILED');
  });

  it('commands: a gone endpoint, FreeSWITCH errors (with the cause kept)', () => {
    assert.equal(commandError('playback', new Error('endpoint no longer active')).code, 'MEDIA_ENDPOINT_GONE');
    const failed = commandError('uuid_bridge', new Error('-ERR Invalid uuid\n'));
    assert.equal(failed.code, 'MEDIA_COMMAND_FAILED');
    assert.match(failed.message, /uuid_bridge failed: -ERR Invalid uuid$/);
    assert.ok(failed.cause instanceof Error);
  });
});
