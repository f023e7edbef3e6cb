/**
 * The read-only resources: Resources by Version (GET /vNN.0/), Limits, Query and Search.
 * REST API Developer Guide:
 * - 'Limits': GET /limits lists the org's limits, among them DailyApiRequests {Max, Remaining}.
 * - 'Query' / 'Execute a SOQL Query': {totalSize, done, records[]}; results come in batches of
 *   up to 2,000 records, the rest behind nextRecordsUrl (/query/<locator>). A query the emulator
 *   does not understand answers 400 MALFORMED_QUERY.
 * - 'Search' / 'Search for a String': GET /search?q=<SOSL> answers {searchRecords[]}; a search
 *   the emulator does not understand answers 400 MALFORMED_SEARCH.
 */
import { errorReply, methodNotAllowed, notFound, sfError } from './api-errors.js';
import type { RestReply } from './api-errors.js';
import { formatRecord } from './record-view.js';
import type { RestCall } from './rest-call.js';
import { runSoql } from './soql-executor.js';
import { parseSoql } from './soql-parser.js';
import { runSosl } from './sosl-search.js';

const QUERY_BATCH = 2000;

export function resourcesRoute(call: RestCall): RestReply {
  const base = `/services/data/v${call.version}`;
  const names = ['sobjects', 'query', 'search', 'composite', 'limits'];
  return { status: 200, body: Object.fromEntries(names.map((n) => [n, `${base}/${n}`])) };
}

export function limitsRoute(call: RestCall): RestReply {
  if (call.method !== 'GET') return methodNotAllowed(call.method, ['GET', 'HEAD']);
  const { allowance } = call.org;
  const used = allowance.used();
  return {
    status: 200,
    body: {
      DailyApiRequests: { Max: allowance.max, Remaining: Math.max(0, allowance.max - used) },
      DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
    },
  };
}

export function queryRoute(call: RestCall): RestReply {
  if (call.method !== 'GET') return methodNotAllowed(call.method, ['GET', 'HEAD']);
  const locator = call.segments[1];
  if (locator !== undefined) return nextBatch(call, locator);
  const q = call.query.get('q');
  if (!q) return errorReply(400, sfError('MALFORMED_QUERY', 'A query string (q) is required'));
  const parsed = parseSoql(q);
  if (!parsed.ok) return errorReply(400, sfError('MALFORMED_QUERY', parsed.message));
  const result = runSoql(call.org.queryContext(call.user), parsed.value);
  if (!result.ok) return errorReply(400, result.error);
  const records = result.rows.map((r) => formatRecord(call.org.store, result.def, r, result.fields, call.version));
  return { status: 200, body: batch(call, records, records.length) };
}

function batch(call: RestCall, records: readonly unknown[], totalSize: number): Record<string, unknown> {
  if (records.length <= QUERY_BATCH) return { totalSize, done: true, records };
  const locator = call.org.saveQueryCursor(records.slice(QUERY_BATCH), totalSize);
  return { totalSize, done: false, nextRecordsUrl: `/services/data/v${call.version}/query/${locator}`, records: records.slice(0, QUERY_BATCH) };
}

function nextBatch(call: RestCall, locator: string): RestReply {
  const cursor = call.org.takeQueryCursor(locator);
  if (!cursor) return errorReply(400, sfError('INVALID_QUERY_LOCATOR', 'invalid query locator'));
  return { status: 200, body: batch(call, cursor.records, cursor.totalSize) };
}

export function searchRoute(call: RestCall): RestReply {
  if (call.method !== 'GET') return methodNotAllowed(call.method, ['GET', 'HEAD']);
  if (call.segments.length > 1) return notFound();
  const q = call.query.get('q');
  if (!q) return errorReply(400, sfError('MALFORMED_SEARCH', 'No search term found. The search term must be enclosed in braces.'));
  const result = runSosl({
    ...call.org.queryContext(call.user),
    indexHorizon: call.org.wallNow() - call.org.searchIndexLagMs,
    version: call.version,
  }, q);
  return result.ok ? { status: 200, body: result.body } : errorReply(400, result.error);
}
