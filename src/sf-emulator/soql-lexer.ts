/**
 * Tokens of SOQL (and of SOSL outside its FIND braces). SOQL and SOSL Reference, 'SOQL
 * SELECT Syntax' and 'Quoted String Escape Sequences': string literals are single-quoted with
 * backslash escapes (\' \" \\ \n \r \t \b \f); keywords are case-insensitive; date literals
 * (2024-05-01, 2024-05-01T12:00:00Z) are unquoted.
 *
 * Network input never throws: a lexing failure is a value.
 */

export type Token =
  | { readonly kind: 'ident'; readonly text: string; readonly pos: number }
  | { readonly kind: 'string'; readonly text: string; readonly pos: number }
  | { readonly kind: 'number'; readonly text: string; readonly pos: number }
  | { readonly kind: 'date'; readonly text: string; readonly pos: number }
  | { readonly kind: 'punct'; readonly text: string; readonly pos: number };

export type LexResult = { readonly ok: true; readonly tokens: Token[] } | { readonly ok: false; readonly message: string };

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))?/;
const NUMBER = /^-?\d+(?:\.\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*(?::\d+)?/;
const PUNCT = /^(?:!=|<>|<=|>=|[(),=<>{}])/;

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      const str = readString(text, i);
      if (!str) return { ok: false, message: `unterminated string literal at position ${i}` };
      tokens.push({ kind: 'string', text: str.value, pos: i });
      i = str.end;
      continue;
    }
    const m = DATE.exec(rest) ?? undefined;
    const token = m ? { kind: 'date' as const, text: m[0] } : match(rest);
    if (!token) return { ok: false, message: `unexpected token: '${rest.slice(0, 20)}'` };
    tokens.push({ ...token, pos: i });
    i += token.text.length;
  }
  return { ok: true, tokens };
}

function match(rest: string): { kind: 'number' | 'ident' | 'punct'; text: string } | undefined {
  const num = NUMBER.exec(rest);
  if (num) return { kind: 'number', text: num[0] };
  const ident = IDENT.exec(rest);
  if (ident) return { kind: 'ident', text: ident[0] };
  const punct = PUNCT.exec(rest);
  if (punct) return { kind: 'punct', text: punct[0] };
  return undefined;
}

function readString(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === "'") return { value, end: i + 1 };
    if (c === '\\') {
      const next = text.charAt(i + 1);
      const escaped = ESCAPES[next];
      if (escaped === undefined) return undefined;
      value += escaped;
      i += 1;
      continue;
    }
    value += c;
  }
  return undefined;
}

/** A cursor over tokens with keyword helpers (keywords compare case-insensitively). */
export class TokenStream {
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  next(): Token | undefined {
    const t = this.tokens[this.i];
    if (t) this.i += 1;
    return t;
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === 'ident' && t.text.toUpperCase() === word;
  }

  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i += 1;
    return true;
  }

  acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t?.kind !== 'punct' || t.text !== p) return false;
    this.i += 1;
    return true;
  }
}
