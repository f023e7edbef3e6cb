/**
 * A summary of a V8 CPU profile (`node --cpu-prof`, the `.cpuprofile` JSON): where the
 * sampled time went, by function (self time) and by category — idle, GC, socket
 * syscalls, linegate's JS by folder, Node's own JS, dependencies. Pure.
 *
 * Socket syscalls: V8 does not see the kernel, so the time spent in a send or write
 * shows as self time of the binding that made it: dgram's `doSend` (JS calling
 * uv_udp_try_send/sendmsg) and the stream bindings `writeBuffer`, `writev`,
 * `writeUtf8String`, … (native, calling uv_try_write/write).
 */

export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly ms: number;
  /** Share of all sampled time, %. */
  readonly pct: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Sampled time not idle. */
  readonly busyMs: number;
  /** Top functions by self time, busy time only. */
  readonly top: readonly ProfileEntry[];
  readonly categories: readonly ProfileEntry[];
}

const STREAM_WRITES = new Set(['writeBuffer', 'writev', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString', 'writeUcs2String']);

/** Shortens a script URL to the part that names it: `sip/engine/uas.js`, `node:dgram`, `drachtio-srf/…`. */
export function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const m = /\/(?:dist|src)\/(.*)$/.exec(url);
  return m?.[1] ?? url;
}

export function categoryOf(functionName: string, url: string): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8/native, unattributed ("(program)")';
  if ((url === 'node:dgram' && functionName === 'doSend') || (url === '' && STREAM_WRITES.has(functionName))) {
    return 'socket syscalls (UDP send, stream write)';
  }
  if (url.includes('/node_modules/')) return `dependency ${shortUrl(url).split('/')[0] ?? ''}`;
  if (/\/(dist|src)\//.test(url)) {
    const parts = shortUrl(url).split('/');
    return `linegate JS ${parts.length > 2 ? parts.slice(0, 2).join('/') : (parts[0] ?? '')}`;
  }
  if (url.startsWith('node:')) return 'Node core JS';
  return 'other native (Buffer, string, …)';
}

function entries(map: Map<string, number>, totalUs: number, limit: number): ProfileEntry[] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([name, us]) => ({ name, ms: us / 1000, pct: totalUs > 0 ? (us / totalUs) * 100 : 0 }));
}

export function summarizeCpuProfile(p: CpuProfile, topN = 25): ProfileSummary {
  const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] ?? -1;
    const dt = Math.max(0, p.timeDeltas[i] ?? 0);
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  }
  const byFunction = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const f = frames.get(id);
    if (!f) continue;
    const category = categoryOf(f.functionName, f.url);
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
    if (category === 'idle') {
      idleUs += us;
      continue;
    }
    const name = `${f.functionName || '(anonymous)'} ${f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '(native)'}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  return {
    totalMs: totalUs / 1000,
    busyMs: (totalUs - idleUs) / 1000,
    top: entries(byFunction, totalUs, topN),
    categories: entries(byCategory, totalUs, 50),
  };
}

/** Plain text: categories with their share of busy time, then the top functions. */
export function formatProfileSummary(s: ProfileSummary): string {
  const busyPct = (ms: number): string => (s.busyMs > 0 ? ((ms / s.busyMs) * 100).toFixed(1) : '—');
  const lines = [
    `sampled ${(s.totalMs / 1000).toFixed(1)} s, busy ${(s.busyMs / 1000).toFixed(1)} s (${((s.busyMs / s.totalMs) * 100).toFixed(1)} %)`,
    '',
    'category                                       ms   % of busy',
    ...s.categories.filter((c) => c.name !== 'idle').map((c) => `${c.name.padEnd(42)} ${c.ms.toFixed(0).padStart(7)}  ${busyPct(c.ms).padStart(6)}`),
    '',
    'top self time                                  ms   % of busy',
    ...s.top.map((e) => `${e.name.slice(0, 60).padEnd(60)} ${e.ms.toFixed(0).padStart(7)}  ${busyPct(e.ms).padStart(6)}`),
  ];
  return lines.join('\n');
}
