/**
 * Contact and To header values as a registrar needs them (RFC 3261 §20.10, §25.1):
 * a comma-separated list of name-addr / addr-spec, each with header parameters, or `*`.
 * srf joins repeated header lines with commas, so one value may hold several headers.
 * Input comes from the network: the parse returns a value, never throws.
 */

export interface ContactEntry {
  /** The URI inside `<>` (or the bare addr-spec). */
  readonly uri: string;
  /** Header parameters, names lower-cased, quoted values unquoted; `null` for a flag. */
  readonly params: ReadonlyMap<string, string | null>;
}

export type ContactList =
  | { readonly ok: true; readonly star: true }
  | { readonly ok: true; readonly star: false; readonly contacts: readonly ContactEntry[] }
  | { readonly ok: false; readonly error: string };

/** Splits on `sep` outside quoted strings and `<...>`. */
export function splitOutside(value: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let angle = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === sep && !angle) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

export function parseContactList(value: string): ContactList {
  const items = splitOutside(value, ',').map((s) => s.trim());
  if (items.some((s) => s === '*')) {
    return items.length === 1 ? { ok: true, star: true } : { ok: false, error: 'Contact: * must be the only contact' };
  }
  const contacts: ContactEntry[] = [];
  for (const item of items) {
    const entry = parseNameAddr(item);
    if (!entry) return { ok: false, error: 'unparsable Contact' };
    contacts.push(entry);
  }
  return { ok: true, star: false, contacts };
}

/** One name-addr or addr-spec with its header parameters (a To, From or Contact value). */
export function parseNameAddr(text: string): ContactEntry | undefined {
  const t = text.trim();
  const lt = indexOutsideQuotes(t, '<');
  let uri: string;
  let rest: string;
  if (lt >= 0) {
    const gt = t.indexOf('>', lt);
    if (gt < 0) return undefined;
    uri = t.slice(lt + 1, gt).trim();
    rest = t.slice(gt + 1);
  } else {
    // addr-spec: URI parameters would be header parameters (§20.10), so the URI ends at ';'.
    const semi = t.indexOf(';');
    uri = (semi < 0 ? t : t.slice(0, semi)).trim();
    rest = semi < 0 ? '' : t.slice(semi);
  }
  if (!parseSipUri(uri)) return undefined;
  const params = parseParams(rest);
  return params && { uri, params };
}

/** `;a=b;c;d="e f"` → map; undefined if it does not start with `;`. */
function parseParams(text: string): Map<string, string | null> | undefined {
  const params = new Map<string, string | null>();
  const t = text.trim();
  if (t === '') return params;
  if (!t.startsWith(';')) return undefined;
  for (const raw of splitOutside(t.slice(1), ';')) {
    const p = raw.trim();
    if (p === '') return undefined;
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (!/^[a-z0-9.!%*_+`'~-]+$/.test(name)) return undefined;
    params.set(name, eq < 0 ? null : unquote(p.slice(eq + 1).trim()));
  }
  return params;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

function indexOutsideQuotes(t: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ch) return i;
  }
  return -1;
}

export interface SipUriParts {
  readonly scheme: 'sip' | 'sips';
  readonly user: string | undefined;
  /** Without brackets for IPv6, lower-cased. */
  readonly host: string;
  readonly port: number | undefined;
}

/** The parts of a sip:/sips: URI the registrar needs; undefined for anything else. */
export function parseSipUri(uri: string): SipUriParts | undefined {
  const m = /^(sips?):(?:([^@;?]*)@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:[;?].*)?$/i.exec(uri);
  if (!m) return undefined;
  const port = m[4] === undefined ? undefined : Number(m[4]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const userinfo = m[2];
  return {
    scheme: (m[1] as string).toLowerCase() as 'sip' | 'sips',
    user: userinfo === undefined ? undefined : decodeUser(userinfo.split(':')[0] as string),
    host: (m[3] as string).replace(/^\[|\]$/g, '').toLowerCase(),
    port,
  };
}

function decodeUser(u: string): string {
  try {
    return decodeURIComponent(u);
  } catch {
    return u;
  }
}
