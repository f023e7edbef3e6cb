/**
 * A throwaway redis-server for integration tests: bound to 127.0.0.1 on a port picked at
 * run time, no persistence (`--save '' --appendonly no`), working directory in a temp dir
 * removed on stop(). A missing redis-server is a failure, not a skip: `make test`
 * installs it (Makefile target `peers`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freeTcpPort } from './ports.js';

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function assertRedisServerInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'redis-server is not installed, so the Redis tests cannot run. `make test` installs it ' +
        '(Debian package redis-server, Makefile target `peers`); or run `sudo apt-get install redis-server`.',
    );
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  assertRedisServerInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'linegate-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeTcpPort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitForPong(child, port, 5000);
      return { host: '127.0.0.1', port, stop: () => stop(child, dir) };
    } catch (e) {
      lastError = new Error(`redis-server on port ${port} did not start: ${(e as Error).message}\n${output}`);
      await stopChild(child);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  await stopChild(child);
  await rm(dir, { recursive: true, force: true });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitForPong(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no PONG within ${timeoutMs} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * A redis-server for the enclosing describe (started in before, stopped in after) and a
 * factory for clients connected to it.
 */
export function useRedisServer(): () => Redis {
  let server: RedisServer | undefined;
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('redis-server did not start');
    return new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: 1 });
  };
}
