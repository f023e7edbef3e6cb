/**
 * The subset of SOQL linegate issues, parsed honestly: what is outside it is refused with
 * MALFORMED_QUERY rather than answered wrongly. SOQL and SOSL Reference, 'SOQL SELECT Syntax':
 *
 *   SELECT field[, field…] FROM object
 *     [WHERE cond [AND cond…]]           cond: field (= | !=) literal | field [NOT] IN (literal, …)
 *     [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST][, …]]
 *     [LIMIT n] [OFFSET n]
 *
 * Not supported (MALFORMED_QUERY): OR, parentheses in WHERE, LIKE, < > comparisons,
 * relationship fields (Account.Name), subqueries, aggregates (COUNT()), GROUP BY, date
 * literals such as TODAY or LAST_N_DAYS:n, FOR UPDATE / VIEW / REFERENCE.
 */
import { lex, TokenStream } from './soql-lexer.js';
import type { Token } from './soql-lexer.js';

export type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'date'; readonly value: string }
  | { readonly kind: 'null' };

export interface Condition {
  readonly field: string;
  readonly op: '=' | '!=' | 'IN' | 'NOT IN';
  readonly values: readonly Literal[];
}

export interface OrderItem {
  readonly field: string;
  readonly descending: boolean;
  readonly nullsLast: boolean;
}

export interface SoqlQuery {
  readonly fields: readonly string[];
  readonly from: string;
  readonly where: readonly Condition[];
  readonly orderBy: readonly OrderItem[];
  readonly limit?: number;
  readonly offset?: number;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Thrown only inside this module and caught by its entry points: parse failures leave as values. */
class SyntaxFailure {
  constructor(readonly message: string) {}
}

const fail = (message: string): never => {
  throw new SyntaxFailure(message);
};

export function parseSoql(text: string): Parsed<SoqlQuery> {
  const lexed = lex(text);
  if (!lexed.ok) return { ok: false, message: lexed.message };
  return guarded(() => {
    const s = new TokenStream(lexed.tokens);
    expectKeyword(s, 'SELECT');
    const fields = parseFieldList(s);
    expectKeyword(s, 'FROM');
    const from = expectName(s);
    const clauses = parseClauses(s);
    if (!s.atEnd()) unexpected(s.peek());
    return { fields, from, ...clauses };
  });
}

export function guarded<T>(body: () => T): Parsed<T> {
  try {
    return { ok: true, value: body() };
  } catch (err) {
    if (err instanceof SyntaxFailure) return { ok: false, message: err.message };
    throw err;
  }
}

export function parseFieldList(s: TokenStream): string[] {
  const fields = [expectName(s)];
  while (s.acceptPunct(',')) fields.push(expectName(s));
  return fields;
}

/** WHERE / ORDER BY / LIMIT / OFFSET, in that order, each optional. */
export function parseClauses(s: TokenStream): Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'> {
  const where = s.acceptKeyword('WHERE') ? parseWhere(s) : [];
  const orderBy = s.isKeyword('ORDER') ? parseOrderBy(s) : [];
  const limit = s.acceptKeyword('LIMIT') ? expectCount(s) : undefined;
  const offset = s.acceptKeyword('OFFSET') ? expectCount(s) : undefined;
  for (const word of ['GROUP', 'HAVING', 'FOR', 'WITH', 'USING', 'TYPEOF']) {
    if (s.isKeyword(word)) fail(`the emulator does not support ${word}`);
  }
  return { where, orderBy, ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}) };
}

function parseWhere(s: TokenStream): Condition[] {
  const conditions = [parseCondition(s)];
  while (s.acceptKeyword('AND')) conditions.push(parseCondition(s));
  if (s.isKeyword('OR')) fail('the emulator does not support OR in WHERE');
  return conditions;
}

function parseCondition(s: TokenStream): Condition {
  if (s.peek()?.text === '(') fail('the emulator does not support parentheses in WHERE');
  const field = expectName(s);
  if (s.acceptKeyword('NOT')) {
    if (!s.acceptKeyword('IN')) unexpected(s.peek());
    return { field, op: 'NOT IN', values: parseList(s) };
  }
  if (s.acceptKeyword('IN')) return { field, op: 'IN', values: parseList(s) };
  if (s.acceptPunct('=')) return { field, op: '=', values: [parseLiteral(s)] };
  if (s.acceptPunct('!=') || s.acceptPunct('<>')) return { field, op: '!=', values: [parseLiteral(s)] };
  const t = s.peek();
  return fail(t ? `the emulator does not support the operator '${t.text}'` : 'unexpected end of query');
}

function parseList(s: TokenStream): Literal[] {
  if (!s.acceptPunct('(')) unexpected(s.peek());
  if (s.isKeyword('SELECT')) fail('the emulator does not support semi-join subqueries');
  const values = [parseLiteral(s)];
  while (s.acceptPunct(',')) values.push(parseLiteral(s));
  if (!s.acceptPunct(')')) unexpected(s.peek());
  return values;
}

function parseLiteral(s: TokenStream): Literal {
  const t = s.next();
  if (!t) return fail('unexpected end of query');
  if (t.kind === 'string') return { kind: 'string', value: t.text };
  if (t.kind === 'number') return { kind: 'number', value: Number(t.text) };
  if (t.kind === 'date') return { kind: 'date', value: t.text };
  if (t.kind === 'ident') {
    const word = t.text.toUpperCase();
    if (word === 'NULL') return { kind: 'null' };
    if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
    return fail(`the emulator does not support the date literal or identifier '${t.text}' as a value`);
  }
  return unexpected(t);
}

function parseOrderBy(s: TokenStream): OrderItem[] {
  expectKeyword(s, 'ORDER');
  expectKeyword(s, 'BY');
  const items: OrderItem[] = [];
  do {
    const field = expectName(s);
    const descending = s.acceptKeyword('DESC');
    if (!descending) s.acceptKeyword('ASC');
    let nullsLast = descending;
    if (s.acceptKeyword('NULLS')) {
      if (s.acceptKeyword('LAST')) nullsLast = true;
      else if (s.acceptKeyword('FIRST')) nullsLast = false;
      else unexpected(s.peek());
    }
    items.push({ field, descending, nullsLast });
  } while (s.acceptPunct(','));
  return items;
}

export function expectKeyword(s: TokenStream, word: string): void {
  if (!s.acceptKeyword(word)) unexpected(s.peek(), word);
}

export function expectName(s: TokenStream): string {
  const t = s.next();
  if (t?.kind !== 'ident') return unexpected(t);
  if (t.text.includes('.')) fail(`the emulator does not support relationship fields ('${t.text}')`);
  if (s.peek()?.text === '(') fail(`the emulator does not support functions or aggregates ('${t.text}(')`);
  return t.text;
}

export function expectCount(s: TokenStream): number {
  const t = s.next();
  if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) return unexpected(t);
  return Number(t.text);
}

export function unexpected(t: Token | undefined, expected?: string): never {
  if (!t) return fail(expected ? `unexpected end of query, expecting ${expected}` : 'unexpected end of query');
  return fail(`unexpected token: '${t.text}'${expected ? `, expecting ${expected}` : ''}`);
}

export { fail as syntaxFailure };
