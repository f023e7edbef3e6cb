/** Free ports picked at run time, so test files can run side by side (house rule). */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  const s = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => s.bind(0, address, resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function freeTcpPort(address = '127.0.0.1'): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, address, resolve));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** A port free for both UDP and TCP (sipp uses the same number for both). */
export async function freeSipPort(address = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freeUdpPort(address);
    const srv = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      srv.once('error', () => resolve(false));
      srv.listen(p, address, () => resolve(true));
    });
    if (ok) {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
      return p;
    }
  }
  throw new Error('no free SIP port found');
}
