/**
 * SOSL for phone lookups, against an index that lags. SOQL and SOSL Reference:
 * 'FIND {SearchQuery}' (the term in braces; reserved characters escaped with a backslash;
 * terms of one character are refused), 'IN SearchGroup' (PHONE FIELDS searches only phone
 * fields), 'RETURNING FieldSpec' (per object: fields, WHERE, ORDER BY, LIMIT, OFFSET), and
 * 'Salesforce Object Search Language (SOSL)': searches run "against the search index", which
 * Salesforce updates asynchronously — a record just created or changed is not found until it
 * has been indexed (here: `searchIndexLagMs` after the write). Returned field values are the
 * current ones; only the matching uses the indexed version.
 *
 * Supported: FIND {term [OR term…]} IN PHONE FIELDS [RETURNING Obj[(fields [WHERE…] [ORDER BY…]
 * [LIMIT n])], …] [LIMIT n]. Refused with MALFORMED_SEARCH: other search groups, AND / AND NOT,
 * wildcards, grouping parentheses, WITH / UPDATE clauses. Results are grouped in RETURNING
 * order, newest-modified first inside a group unless ORDER BY says otherwise (Salesforce orders
 * by relevance; clients must not depend on the order).
 */
import { sfError } from './api-errors.js';
import type { SfError } from './api-errors.js';
import type { OrgRecord } from './org-store.js';
import { phoneDigits, phoneMatches } from './phone-match.js';
import { formatRecord } from './record-view.js';
import { lex, TokenStream } from './soql-lexer.js';
import { expectCount, guarded, parseClauses, parseFieldList, syntaxFailure, unexpected } from './soql-parser.js';
import type { SoqlQuery } from './soql-parser.js';
import { resolveFields, resolveObject, selectRows } from './soql-executor.js';
import type { QueryContext } from './soql-executor.js';

interface ReturningSpec extends Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'> {
  readonly object: string;
  readonly fields: readonly string[];
}

interface SoslQuery {
  readonly termDigits: readonly string[];
  readonly returning: readonly ReturningSpec[];
  readonly limit?: number;
}

export interface SearchContext extends QueryContext {
  /** Records written at or before this wall time are in the index. */
  readonly indexHorizon: number;
  readonly version: string;
}

const DEFAULT_OBJECTS = ['Account', 'Contact', 'Lead'];

export function runSosl(ctx: SearchContext, text: string): { ok: true; body: unknown } | { ok: false; error: SfError } {
  const parsed = parseSosl(text);
  if (!parsed.ok) return { ok: false, error: sfError('MALFORMED_SEARCH', parsed.message) };
  const q = parsed.value;
  const searchRecords: unknown[] = [];
  for (const spec of q.returning) {
    const def = resolveObject(ctx, spec.object);
    if (!def.ok) return def;
    const fields = resolveFields(ctx, def.value, spec.fields);
    if (!fields.ok) return fields;
    const hits = ctx.store.all(def.value.name).filter((r) => indexedMatch(ctx.indexHorizon, r, q.termDigits));
    const order = spec.orderBy.length > 0 ? spec.orderBy : [{ field: 'LastModifiedDate', descending: true, nullsLast: true }];
    const rows = selectRows(ctx, def.value, hits, { ...spec, orderBy: order });
    if (!rows.ok) return rows;
    for (const r of rows.value) searchRecords.push(formatRecord(ctx.store, def.value, r, fields.value, ctx.version));
  }
  return { ok: true, body: { searchRecords: q.limit !== undefined ? searchRecords.slice(0, q.limit) : searchRecords } };
}

/** The newest version of the record that the index has caught up with, matched on its phone digits. */
function indexedMatch(horizon: number, record: OrgRecord, termDigits: readonly string[]): boolean {
  let indexed: readonly string[] | undefined;
  for (const v of record.searchVersions) if (v.at <= horizon) indexed = v.phoneDigits;
  return !!indexed && indexed.some((stored) => termDigits.some((term) => phoneMatches(stored, term)));
}

function parseSosl(text: string): { ok: true; value: SoslQuery } | { ok: false; message: string } {
  const head = /^\s*FIND\s*\{/i.exec(text);
  if (!head) return { ok: false, message: 'No search term found. The search term must be enclosed in braces.' };
  const close = closingBrace(text, head[0].length);
  if (close < 0) return { ok: false, message: 'No search term found. The search term must be enclosed in braces.' };
  const terms = parseTerms(text.slice(head[0].length, close));
  if (!terms.ok) return terms;
  const lexed = lex(text.slice(close + 1));
  if (!lexed.ok) return { ok: false, message: lexed.message };
  const rest = guarded(() => parseAfterFind(new TokenStream(lexed.tokens)));
  if (!rest.ok) return rest;
  return { ok: true, value: { termDigits: terms.value, ...rest.value } };
}

function closingBrace(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text.charAt(i) === '\\') i += 1;
    else if (text.charAt(i) === '}') return i;
  }
  return -1;
}

/** `term OR term …` → the digits of each term. */
function parseTerms(raw: string): { ok: true; value: string[] } | { ok: false; message: string } {
  const alternatives = raw.split(/\s+OR\s+/i);
  const digits: string[] = [];
  for (const alt of alternatives) {
    const unescaped = alt.replace(/\\./g, '');
    if (/[*?]/.test(unescaped)) return { ok: false, message: 'the emulator does not support wildcards in SOSL terms' };
    if (/[()]/.test(unescaped)) return { ok: false, message: 'the emulator does not support grouping in SOSL terms' };
    if (/(^|\s)(AND|NOT)(\s|$)/i.test(unescaped)) return { ok: false, message: 'the emulator supports only OR between SOSL terms' };
    const term = alt.replace(/\\(.)/g, '$1').replace(/"/g, '').trim();
    if (term.length < 2) return { ok: false, message: 'search term must be longer than one character' };
    digits.push(phoneDigits(term));
  }
  return { ok: true, value: digits };
}

function parseAfterFind(s: TokenStream): Omit<SoslQuery, 'termDigits'> {
  if (!s.acceptKeyword('IN')) syntaxFailure('the emulator supports only IN PHONE FIELDS (ALL FIELDS is the default in Salesforce)');
  if (!s.acceptKeyword('PHONE')) syntaxFailure(`the emulator supports only IN PHONE FIELDS, not ${s.peek()?.text ?? 'nothing'}`);
  if (!s.acceptKeyword('FIELDS')) unexpected(s.peek(), 'FIELDS');
  const returning = s.acceptKeyword('RETURNING') ? parseReturning(s) : DEFAULT_OBJECTS.map(defaultSpec);
  const limit = s.acceptKeyword('LIMIT') ? expectCount(s) : undefined;
  if (!s.atEnd()) unexpected(s.peek());
  return { returning, ...(limit !== undefined ? { limit } : {}) };
}

function defaultSpec(object: string): ReturningSpec {
  return { object, fields: ['Id'], where: [], orderBy: [] };
}

function parseReturning(s: TokenStream): ReturningSpec[] {
  const specs: ReturningSpec[] = [];
  do {
    const t = s.next();
    if (t?.kind !== 'ident' || t.text.includes('.')) unexpected(t);
    const object = t.text;
    if (!s.acceptPunct('(')) {
      specs.push(defaultSpec(object));
      continue;
    }
    const fields = parseFieldList(s);
    const clauses = parseClauses(s);
    if (!s.acceptPunct(')')) unexpected(s.peek(), ')');
    specs.push({ object, fields, ...clauses });
  } while (s.acceptPunct(','));
  return specs;
}

