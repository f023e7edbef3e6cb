/**
 * drachtio-srf writes every wire message with its own `socket.write` (wire-protocol.js
 * `send`), and a socket that is not corked hands each one to the kernel at once: one
 * syscall per message. In a CPU profile of the app at 150 cps those writes were 22 % of
 * the app's busy time (load-tests/RESULTS.md, "Where the time goes"). The engine already
 * sends everything of one event-loop turn in one write (src/sip/wire/control-connection.ts);
 * this does the same for the app's side of the connection: the socket is corked at the
 * first write of a turn and uncorked in setImmediate, so the turn's messages leave in one
 * writev. Ordering is unchanged (one socket, FIFO) and so is the content.
 *
 * srf does not expose its socket, so it is found through srf's internals
 * (`srf._app.client.mapServer`, drachtio-srf 5.0.x). If that shape is not there (another
 * srf version), nothing is patched and `batchSrfWrites` says so: the app works as before,
 * only without the saving.
 */
import type { Socket } from 'node:net';

interface SrfInternals {
  _app?: { client?: { mapServer?: Map<unknown, unknown> } };
}

const PATCHED = Symbol('linegate.writeBatching');

/** Corks srf's connection(s) to the engine per event-loop turn; returns how many sockets were patched. */
export function batchSrfWrites(srf: object): number {
  const map = (srf as SrfInternals)._app?.client?.mapServer;
  if (!(map instanceof Map)) return 0;
  let patched = 0;
  for (const key of map.keys()) {
    if (isSocket(key) && batchWrites(key)) patched++;
  }
  return patched;
}

/** Patches one socket's write so that a turn's writes go out together. Idempotent. */
export function batchWrites(socket: Socket): boolean {
  const s = socket as Socket & { [PATCHED]?: true };
  if (s[PATCHED]) return false;
  s[PATCHED] = true;
  const write = socket.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.write = function batchedWrite(this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
  return true;
}

function isSocket(v: unknown): v is Socket {
  return typeof v === 'object' && v !== null && typeof (v as Socket).cork === 'function' && typeof (v as Socket).write === 'function';
}
