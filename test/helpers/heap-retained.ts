/**
 * How much heap a piece of code leaves reachable: for tests that a long-lived structure
 * does not pin memory it should not (a substring pinning its whole SIP message, see
 * src/shared/own-string.ts). Garbage is collected before and after (--expose-gc is turned on
 * from inside, so the tests run under plain mocha), and `keep` returns what the structure
 * holds, so that it stays reachable until the second measurement.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Whether `target` can still be reached once the current job is over and garbage is
 * collected: for a structure that must let go of an object (a WeakRef keeps its target
 * alive until the job that made it ends, hence the turn of the event loop).
 */
export async function stillReachable(target: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return target.deref() !== undefined;
}

export async function retainedBytes(keep: () => unknown | Promise<unknown>): Promise<number> {
  gc();
  const before = getHeapStatistics().used_heap_size;
  const held = await keep();
  gc();
  const after = getHeapStatistics().used_heap_size;
  if (held === undefined) throw new Error('retainedBytes: keep() must return what it holds');
  return after - before;
}

/** A flat text of `bytes` characters of its own, as a decoded datagram is: a header value is a slice of it. */
export function bigMessage(i: number, bytes: number): string {
  return Buffer.alloc(bytes, 97 + (i % 26)).toString('latin1');
}
