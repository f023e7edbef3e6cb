import assert from 'node:assert/strict';
import { MediaAnchor, answeredCodec } from '../../../../src/b2bua/recording/index.js';
import { LinegateError } from '../../../../src/shared/index.js';
import { FakeMediaPort, type FakeEndpoint } from './fake-media.js';

const sdp = (m: string, ...attrs: string[]): string =>
  ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', m, ...attrs, ''].join('\r\n');

describe('MediaAnchor', () => {
  it('answers the caller’s offer on A and offers from B, preferring the codec A settled on', async () => {
    const media = new FakeMediaPort();
    media.answerSdp = sdp('m=audio 20000 RTP/AVP 8 101', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000');
    const anchor = await MediaAnchor.create(media, 'caller-offer');
    const [a, b] = media.endpoints as [FakeEndpoint, FakeEndpoint];
    assert.equal(a.options.remoteSdp, 'caller-offer');
    assert.equal(b.options.remoteSdp, undefined, 'B makes an offer');
    assert.deepEqual(b.options.codecs, ['PCMA', 'PCMU']);
    assert.equal(anchor.caller, a);
    assert.equal(anchor.callee, b);
    assert.equal(anchor.offerToCallee, 'sdp-of-ep1');
  });

  it('answerFromCallee: completes B with the callee’s answer, bridges A to B, returns A’s answer', async () => {
    const media = new FakeMediaPort();
    const anchor = await MediaAnchor.create(media, 'caller-offer');
    const [a, b] = media.endpoints as [FakeEndpoint, FakeEndpoint];
    assert.equal(a.bridgedWith, undefined);
    const forCaller = await anchor.answerFromCallee('callee-answer');
    assert.deepEqual(b.modified, ['callee-answer']);
    assert.equal(a.bridgedWith, b);
    assert.equal(forCaller, a.localSdp);
    assert.equal(forCaller, 'answer-of-ep0');
  });

  it('late offer: A offers to the caller in the 200, the ACK’s answer completes A', async () => {
    const media = new FakeMediaPort();
    const anchor = await MediaAnchor.create(media, undefined);
    const [a, b] = media.endpoints as [FakeEndpoint, FakeEndpoint];
    assert.equal(a.options.remoteSdp, undefined);
    assert.equal(b.options.codecs, undefined, 'no codec known yet: the port’s default list');
    const offer = await anchor.answerFromCallee('callee-answer');
    assert.equal(offer, 'sdp-of-ep0');
    await anchor.callerAnswered('ack-answer');
    assert.deepEqual(a.modified, ['ack-answer']);
  });

  it('re-offers are answered by the endpoint facing their sender, nothing crosses the anchor', async () => {
    const media = new FakeMediaPort();
    const anchor = await MediaAnchor.create(media, 'caller-offer');
    const [a, b] = media.endpoints as [FakeEndpoint, FakeEndpoint];
    await anchor.answerFromCallee('callee-answer');
    assert.equal(await anchor.callerOffered('hold-offer'), 'answer-of-ep0+answer');
    assert.deepEqual(a.modified, ['hold-offer']);
    assert.deepEqual(b.modified, ['callee-answer']);
    assert.equal(await anchor.calleeOffered('codec-change'), b.localSdp);
    assert.deepEqual(b.modified, ['callee-answer', 'codec-change']);
    // Offerless re-INVITE: our current SDP is the offer, the ACK's answer completes it.
    assert.equal(await anchor.callerOffered(''), a.localSdp);
    assert.equal(await anchor.calleeOffered('  '), b.localSdp);
    await anchor.calleeAnswered('ack-answer');
    assert.deepEqual(b.modified, ['callee-answer', 'codec-change', 'ack-answer']);
    assert.deepEqual(a.modified, ['hold-offer']);
  });

  it('close() destroys both endpoints once; closed resolves when either endpoint goes', async () => {
    const media = new FakeMediaPort();
    const anchor = await MediaAnchor.create(media, 'caller-offer');
    const [a, b] = media.endpoints as [FakeEndpoint, FakeEndpoint];
    let closed = false;
    void anchor.closed.then(() => (closed = true));
    await b.destroy(); // e.g. the media timeout of the callee's side
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, true);
    await Promise.all([anchor.close(), anchor.close()]);
    assert.equal(a.destroyCalls, 1);
    assert.equal(b.destroyCalls, 2); // once above, once by close()
  });

  it('when B cannot be created, A is destroyed and the media error reaches the caller of create()', async () => {
    const media = new FakeMediaPort();
    media.failOn.set(1, new LinegateError('MEDIA_PORTS_EXHAUSTED', 'no ports'));
    await assert.rejects(MediaAnchor.create(media, 'caller-offer'), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_PORTS_EXHAUSTED');
    assert.equal(media.endpoints.length, 1);
    assert.equal(media.endpoints[0]!.destroyCalls, 1);
    assert.equal(media.activeEndpoints, 0);
  });

  it('an unusable offer rejects before anything is allocated', async () => {
    const media = new FakeMediaPort();
    media.failOn.set(0, new LinegateError('MEDIA_NO_COMMON_CODEC', 'G.729 only'));
    await assert.rejects(MediaAnchor.create(media, 'g729-offer'), (e: unknown) => e instanceof LinegateError && e.code === 'MEDIA_NO_COMMON_CODEC');
    assert.equal(media.endpoints.length, 0);
  });
});

describe('answeredCodec', () => {
  it('reads the first G.711 payload type of the first usable audio stream', () => {
    assert.equal(answeredCodec(sdp('m=audio 4000 RTP/AVP 0 101')), 'PCMU');
    assert.equal(answeredCodec(sdp('m=audio 4000 RTP/AVP 8 0')), 'PCMA');
    assert.equal(answeredCodec(sdp('m=audio 4000 RTP/AVP 101 8', 'a=rtpmap:101 telephone-event/8000')), 'PCMA');
    assert.equal(answeredCodec(sdp('m=audio 4000 RTP/AVP 96', 'a=rtpmap:96 pcmu/8000')), 'PCMU', 'dynamic type mapped to PCMU');
    assert.equal(answeredCodec(sdp('m=audio 0 RTP/AVP 0')), undefined, 'rejected stream');
    assert.equal(answeredCodec(sdp('m=audio 4000 RTP/AVP 18', 'a=rtpmap:18 G729/8000')), undefined);
    assert.equal(answeredCodec(sdp('m=video 4000 RTP/AVP 0')), undefined);
    assert.equal(answeredCodec('not an sdp'), undefined);
  });
});
