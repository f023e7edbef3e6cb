/**
 * Free ports on 127.0.0.1, found by binding port 0 and reading what the kernel chose.
 * The socket is closed before the port is handed to sipp, so another process could
 * take it in between; on a test machine that race is rare and shows as a sipp
 * "fatal error binding a socket" (exit 254), not as wrong figures.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:net';
import { LOOPBACK } from './sipp-args.js';

function bindUdp(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(undefined);
    });
    s.bind(port, LOOPBACK, () => resolve(s));
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolve(true)));
  });
}

function closeUdp(s: Socket): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

/** A port free for both UDP and TCP, so it works whatever the transport. */
export async function findFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const udp = await bindUdp(0);
    if (!udp) continue;
    const port = udp.address().port;
    const tcp = await tcpFree(port);
    await closeUdp(udp);
    if (tcp) return port;
  }
  throw new Error('no free port on 127.0.0.1 after 50 attempts');
}

/** An even UDP port `p` with `p + 2` free as well: sipp binds both for audio and video. */
export async function findFreeMediaPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await bindUdp(0);
    if (!first) continue;
    const port = first.address().port;
    const second = port % 2 === 0 && port + 2 < 65536 ? await bindUdp(port + 2) : undefined;
    await closeUdp(first);
    if (second) {
      await closeUdp(second);
      return port;
    }
  }
  throw new Error('no free media port pair on 127.0.0.1 after 50 attempts');
}
