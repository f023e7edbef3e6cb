/**
 * For tests of the embedded RTP endpoint on loopback: media ports on ranges picked at run
 * time, scripted RTP peers, endpoints answering a peer's offer, WAV files in a temp folder;
 * everything closed after each test. Call useEmbeddedMediaBed() inside a describe().
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedMediaPort, type EmbeddedEndpoint, type EmbeddedMediaPortOptions } from '../../src/media/embedded/index.js';
import { encodeWav } from '../../src/media/wav/index.js';
import { RtpPeer, runtimePortRange } from './rtp-peer.js';

export interface EmbeddedMediaBed {
  /** This test's temp folder. */
  dir(): string;
  mediaPort(o?: Partial<EmbeddedMediaPortOptions>): EmbeddedMediaPort;
  peer(o?: Parameters<typeof RtpPeer.start>[0]): Promise<RtpPeer>;
  /** A port, a peer, and an endpoint answering the peer's offer; the peer sends to the endpoint. */
  answered(o?: Partial<EmbeddedMediaPortOptions>): Promise<{ port: EmbeddedMediaPort; peer: RtpPeer; ep: EmbeddedEndpoint }>;
  /** Writes a WAV of `samples` into the temp folder and returns its path. */
  wav(name: string, samples: Int16Array, sampleRate?: number, channels?: number): Promise<string>;
}

export function useEmbeddedMediaBed(): EmbeddedMediaBed {
  let dir = '';
  const ports: EmbeddedMediaPort[] = [];
  const peers: RtpPeer[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linegate-media-'));
  });
  afterEach(async () => {
    await Promise.all(ports.splice(0).map((p) => p.close()));
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await rm(dir, { recursive: true, force: true });
  });
  const bed: EmbeddedMediaBed = {
    dir: () => dir,
    mediaPort(o = {}) {
      const p = new EmbeddedMediaPort({ portRange: runtimePortRange(), ...o });
      ports.push(p);
      return p;
    },
    async peer(o = {}) {
      const p = await RtpPeer.start(o);
      peers.push(p);
      return p;
    },
    async answered(o = {}) {
      const port = bed.mediaPort(o);
      const p = await bed.peer();
      const ep = (await port.createEndpoint({ remoteSdp: p.sdp() })) as EmbeddedEndpoint;
      p.useRemoteSdp(ep.localSdp);
      return { port, peer: p, ep };
    },
    async wav(name, samples, sampleRate = 8000, channels = 1) {
      const path = join(dir, name);
      await writeFile(path, encodeWav({ sampleRate, channels, samples }));
      return path;
    },
  };
  return bed;
}
