/**
 * A deliberately independent drachtio wire client for tests: it frames and deframes
 * by hand (so a bug in WireFramer cannot hide itself) and can write arbitrary bytes.
 */
import { connect, type Socket } from 'node:net';

export class RawWireClient {
  private buffer = Buffer.alloc(0);
  private readonly payloads: string[] = [];
  private waiter: (() => void) | undefined;
  private isClosed = false;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => {
      this.isClosed = true;
      this.waiter?.();
      resolve();
    }));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawWireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawWireClient(socket));
      });
    });
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  send(payload: string): void {
    this.socket.write(`${Buffer.byteLength(payload, 'utf8')}#${payload}`);
  }

  sendRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** The next payload from the server; rejects if the socket closes or nothing comes in time. */
  async next(timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.payloads.length === 0) {
      if (this.isClosed) throw new Error('connection closed while waiting for a message');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.payloads.shift() as string;
  }

  /** Authenticates and returns the reply tokens after `response|<id>|`. */
  async authenticate(secret: string, tags = ''): Promise<string[]> {
    this.send(`auth-1|authenticate|${secret}|${tags}`);
    return tokensAfterResponse(await this.next(), 'auth-1');
  }

  /** Waits until the server closes the connection. */
  async waitClosed(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('server did not close the connection')), timeoutMs);
    });
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  end(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const hash = this.buffer.indexOf(0x23);
      if (hash < 0) break;
      const len = Number(this.buffer.toString('latin1', 0, hash));
      if (!Number.isInteger(len) || this.buffer.length < hash + 1 + len) break;
      this.payloads.push(this.buffer.toString('utf8', hash + 1, hash + 1 + len));
      this.buffer = this.buffer.subarray(hash + 1 + len);
    }
    this.waiter?.();
  }
}

/** `<id>|response|<clientId>|a|b` → ['a', 'b'], checking the envelope. */
export function tokensAfterResponse(payload: string, clientId: string): string[] {
  const leader = payload.split('\r\n', 1)[0] ?? '';
  const tokens = leader.split('|');
  if (tokens[1] !== 'response' || tokens[2] !== clientId) {
    throw new Error(`expected a response to ${clientId}, got ${payload}`);
  }
  return tokens.slice(3);
}
