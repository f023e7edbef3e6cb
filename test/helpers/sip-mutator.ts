/**
 * Mutations of a valid SIP message for wire fuzzing. Structural mutations work on the
 * lines of a SipDraft (so that "delete a header" deletes a whole header); byte mutations
 * run afterwards on the serialised bytes. Each mutant records what was done to it, so a
 * failure can be explained and replayed from the seed.
 */
import { draftBytes, type SipDraft } from './fuzz-seeds.js';
import type { Xorshift32 } from './xorshift32.js';

export interface MutationLimits {
  /** The engine's maxMessageSize: huge values aim just below and just above it. */
  maxMessageSize: number;
  /** Largest message the transport can carry (65507 for UDP over IPv4). */
  maxWireSize: number;
}

export interface Mutant {
  bytes: Buffer;
  /** The seed kind and the mutations applied, in order. */
  label: string;
  /** No mutation was applied: a valid message, with a known right answer. */
  control: boolean;
}

type LineMutation = (d: SipDraft, rng: Xorshift32, limits: MutationLimits) => void;
type ByteMutation = (b: Buffer, rng: Xorshift32) => Buffer;

const COMPACT: Record<string, string> = {
  'via': 'v', 'from': 'f', 'to': 't', 'call-id': 'i', 'contact': 'm', 'content-length': 'l', 'content-type': 'c',
  'supported': 'k', 'subject': 's', 'content-encoding': 'e', 'allow-events': 'u', 'refer-to': 'r', 'event': 'o',
};

const LINE_MUTATIONS: Record<string, LineMutation> = {
  'duplicate-header': (d, rng) => {
    for (let n = rng.between(1, 3); n > 0 && d.lines.length > 1; n--) {
      const line = d.lines[rng.between(1, d.lines.length - 1)] as string;
      d.lines.splice(rng.between(1, d.lines.length), 0, line);
    }
  },
  'delete-header': (d, rng) => {
    for (let n = rng.between(1, 3); n > 0 && d.lines.length > 1; n--) d.lines.splice(rng.between(1, d.lines.length - 1), 1);
  },
  'huge-value': (d, rng, limits) => {
    const target = Math.min(limits.maxWireSize, limits.maxMessageSize + rng.between(-1500, 1500));
    const room = Math.max(1, target - draftBytes(d).length - 16);
    const filler = rng.chance(0.5) ? 'a'.repeat(room) : rng.token(Math.min(room, 4096)).repeat(Math.ceil(room / 4096)).slice(0, room);
    if (rng.chance(0.5) || d.lines.length < 2) d.lines.push(`X-Fuzz-Pad: ${filler}`);
    else {
      const i = rng.between(1, d.lines.length - 1);
      d.lines[i] = `${d.lines[i] as string}${filler}`;
    }
  },
  'content-length': (d, rng) => {
    d.lines = d.lines.filter((l, i) => i === 0 || !/^(content-length|l)\s*:/i.test(l));
    const len = d.body.length;
    const bad = ['-1', `-${rng.between(2, 99999)}`, '99999999', String(len + rng.between(1, 5000)), 'abc', '12abc', '0x20',
      '', '1.5', '+5', '99999999999999999999999', '4 2', String(Math.max(0, len - rng.between(1, 50)))];
    const pos = rng.between(1, d.lines.length);
    if (rng.chance(0.25)) {
      // Duplicated: the same value twice, or two different values (RFC 3261 §20.14 allows one).
      const second = rng.chance(0.5) ? String(len) : rng.pick(bad);
      d.lines.splice(pos, 0, `Content-Length: ${len}`, `${rng.pick(['Content-Length', 'l'])}: ${second}`);
    } else {
      d.lines.splice(pos, 0, `Content-Length: ${rng.pick(bad)}`);
    }
  },
  'bad-start-line': (d, rng) => {
    const first = d.lines[0] as string;
    const parts = first.split(' ');
    const variants = [
      first.replace('SIP/2.0', 'SIP/3.0'), first.replace('SIP/2.0', 'SIP/2'), first.toLowerCase(), parts.join('  '),
      parts.join('\t'), parts.slice(0, 2).join(' '), `${parts[0] ?? ''} SIP/2.0`, 'SIP/2.0 99 Too Small', 'SIP/2.0 1000 Too Big',
      'SIP/2.0 abc Not A Number', 'SIP/2.0 200', 'INV ITE sip:a@127.0.0.1 SIP/2.0', 'INVITE foo:bar SIP/2.0',
      'INVITE sip: SIP/2.0', 'INVITE sip:@ SIP/2.0', rng.token(rng.between(1, 40)), '', ` ${first}`, `${first} `,
      `INVITE <sip:a@127.0.0.1> SIP/2.0`, `${'X'.repeat(rng.between(1, 3000))} sip:a@127.0.0.1 SIP/2.0`,
    ];
    d.lines[0] = rng.pick(variants);
  },
  'overlong-uri': (d, rng) => {
    const user = rng.token(64).repeat(rng.between(16, 500));
    const params = rng.chance(0.5) ? `;${Array.from({ length: rng.between(10, 400) }, (_, i) => `p${i}=${rng.token(8)}`).join(';')}` : '';
    const uri = `sip:${user}@127.0.0.1${params}`;
    const target = rng.int(3);
    if (target === 0 && !(d.lines[0] as string).startsWith('SIP/')) {
      const parts = (d.lines[0] as string).split(' ');
      d.lines[0] = `${parts[0] ?? 'INVITE'} ${uri} ${parts[2] ?? 'SIP/2.0'}`;
    } else {
      const name = target === 1 ? /^(to|t)\s*:/i : /^(from|f|contact|m)\s*:/i;
      const i = d.lines.findIndex((l, j) => j > 0 && name.test(l));
      if (i > 0) d.lines[i] = (d.lines[i] as string).replace(/<[^>]*>/, `<${uri}>`);
      else d.lines.push(`Contact: <${uri}>`);
    }
  },
  'unbalanced': (d, rng) => {
    const candidates = d.lines.map((l, i) => (i > 0 && /[<>"]/.test(l) ? i : -1)).filter((i) => i > 0);
    if (candidates.length === 0) return;
    const i = rng.pick(candidates);
    const line = d.lines[i] as string;
    const edits = [
      (l: string) => l.replace('>', ''), (l: string) => l.replace('<', '<<'), (l: string) => l.replace('<', ''),
      (l: string) => l.replace('"', ''), (l: string) => l.replace(': ', ': "'), (l: string) => `${l}"`,
      (l: string) => l.replace('"', '"\\'), (l: string) => l.replace(/"([^"]*)"/, '"$1\\"'), (l: string) => `${l}>`,
      (l: string) => l.replace(/<([^>]*)>/, '$1'),
    ];
    d.lines[i] = rng.pick(edits)(line);
  },
  'compact-headers': (d, rng) => {
    d.lines = d.lines.map((l, i) => {
      const m = /^([A-Za-z-]+)\s*:(.*)$/.exec(l);
      const short = m ? COMPACT[(m[1] as string).toLowerCase()] : undefined;
      return i > 0 && m && short && rng.chance(0.6) ? `${rng.chance(0.2) ? short.toUpperCase() : short}:${m[2] as string}` : l;
    });
    if (rng.chance(0.4)) d.lines.splice(rng.between(1, d.lines.length), 0, `${rng.pick(Object.values(COMPACT))}: ${rng.token(rng.between(0, 20))}`);
    if (rng.chance(0.3)) d.lines.splice(rng.between(1, d.lines.length), 0, `i: ${rng.token(10)}@elsewhere`);
    if (rng.chance(0.2)) d.lines.splice(rng.between(1, d.lines.length), 0, `${rng.pick('abdgjnpqwxyz'.split(''))}: ${rng.token(6)}`);
  },
  'header-folding': (d, rng) => {
    if (d.lines.length < 2) return;
    const i = rng.between(1, d.lines.length - 1);
    const line = d.lines[i] as string;
    const cut = rng.between(0, line.length);
    d.lines.splice(i, 1, line.slice(0, cut), `${rng.pick([' ', '\t', '  '])}${line.slice(cut)}`);
  },
};

const BYTE_MUTATIONS: Record<string, ByteMutation> = {
  'byte-flip': (b, rng) => {
    const out = Buffer.from(b);
    for (let n = rng.between(1, 16); n > 0 && out.length > 0; n--) {
      const i = rng.int(out.length);
      out[i] = ((out[i] as number) ^ rng.between(1, 255)) & 0xff;
    }
    return out;
  },
  'truncate': (b, rng) => b.subarray(0, rng.int(Math.max(1, b.length))),
  'crlf-to-lf': (b, rng) => {
    const text = b.toString('latin1');
    const all = rng.chance(0.5);
    const to = rng.chance(0.8) ? '\n' : '\r';
    return Buffer.from(text.replace(/\r\n/g, (crlf) => (all || rng.chance(0.5) ? to : crlf)), 'latin1');
  },
  'nul-bytes': (b, rng) => {
    let out = b;
    for (let n = rng.between(1, 8); n > 0; n--) {
      const i = rng.int(out.length + 1);
      out = rng.chance(0.5) || i >= out.length
        ? Buffer.concat([out.subarray(0, i), Buffer.from([0]), out.subarray(i)])
        : Buffer.concat([out.subarray(0, i), Buffer.from([0]), out.subarray(i + 1)]);
    }
    return out;
  },
  'binary-garbage': (b, rng) => {
    const junk = rng.bytes(rng.between(1, 2000));
    const how = rng.int(4);
    if (how === 0) return junk;
    if (how === 1) return Buffer.concat([junk, b]);
    if (how === 2) return Buffer.concat([b, junk]);
    const at = rng.int(b.length + 1);
    return Buffer.concat([b.subarray(0, at), junk, b.subarray(Math.min(b.length, at + junk.length))]);
  },
};

export const MUTATION_NAMES: readonly string[] = [...Object.keys(LINE_MUTATIONS), ...Object.keys(BYTE_MUTATIONS)];

/** Big mutants are rarer: each costs up to 64 KB of socket buffer and parsing. */
const RARE = new Set(['huge-value', 'overlong-uri']);
const WEIGHTED: readonly string[] = MUTATION_NAMES.flatMap((n) => (RARE.has(n) ? [n] : [n, n, n]));

/**
 * 1 to 3 mutations (about 3% of mutants are left valid, as a control): line mutations
 * first, byte mutations on the result. The result never exceeds limits.maxWireSize.
 */
export function mutate(draft: SipDraft, rng: Xorshift32, limits: MutationLimits): Mutant {
  const d: SipDraft = { ...draft, lines: [...draft.lines] };
  const chosen = rng.chance(0.03) ? [] : Array.from({ length: rng.between(1, 3) }, () => rng.pick(WEIGHTED));
  const lineOps = chosen.filter((n) => n in LINE_MUTATIONS);
  const byteOps = chosen.filter((n) => n in BYTE_MUTATIONS);
  for (const name of lineOps) (LINE_MUTATIONS[name] as LineMutation)(d, rng, limits);
  let bytes = draftBytes(d);
  for (const name of byteOps) bytes = (BYTE_MUTATIONS[name] as ByteMutation)(bytes, rng);
  if (bytes.length > limits.maxWireSize) bytes = bytes.subarray(0, limits.maxWireSize);
  return { bytes, label: [draft.kind, ...lineOps, ...byteOps].join(' '), control: chosen.length === 0 };
}
