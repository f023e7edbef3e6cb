/**
 * RFC 4475 torture tests, one `it` per message of the shared corpus, each asserting
 * the outcome MANIFEST.tsv names for that file (table in message/rfc4475-expectations.ts).
 * The corpus is read in place from ../shared/corpora/rfc4475 (never copied here).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkRequest,
  checkResponse,
  parseMessage,
  rejectUnparsable,
  type ParseErrorCode,
  type SipMessage,
} from '../../../src/sip/message/index.js';
import { EXPECTED, type Outcome } from './message/rfc4475-expectations.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = path.resolve(REPO_ROOT, '../shared/corpora/rfc4475');

function outcomeOf(buf: Buffer): { outcome: Outcome; code?: ParseErrorCode; message?: SipMessage } {
  const r = parseMessage(buf, { datagram: true });
  if (!r.ok) {
    // A request whose start line and headers could be read is answered; anything
    // else cannot be and is dropped.
    const answer = rejectUnparsable(r);
    return { outcome: answer === undefined || answer.ok ? 'drop' : (answer.status as Outcome), code: r.code, message: r.partial };
  }
  if (r.message.type === 'response') {
    return { outcome: checkResponse(r.message).ok ? 'keep' : 'drop', message: r.message };
  }
  const check = checkRequest(r.message);
  return { outcome: check.ok ? 'ok' : (check.status as Outcome), message: r.message };
}

interface ManifestRow {
  file: string;
  section: string;
  title: string;
  bytes: number;
  sha256: string;
}

function readManifest(): ManifestRow[] {
  const lines = readFileSync(path.join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n').filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split('\t');
  const col = (name: string): number => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return {
      file: f[col('file')] ?? '',
      section: f[col('rfc_section')] ?? '',
      title: f[col('title')] ?? '',
      bytes: Number(f[col('bytes')]),
      sha256: f[col('sha256')] ?? '',
    };
  });
}

describe('RFC 4475 torture messages', () => {
  if (!existsSync(path.join(CORPUS, 'MANIFEST.tsv'))) {
    it('needs the corpus in ../shared/corpora/rfc4475', function () {
      console.warn(`\n  !!! RFC 4475 corpus not found at ${CORPUS}: the 49 torture tests DID NOT RUN !!!\n`);
      this.skip();
    });
    return;
  }
  const rows = readManifest();

  it('has an expectation for each of the 49 manifest files, and no other', () => {
    assert.equal(rows.length, 49);
    assert.deepEqual(rows.map((r) => r.file).sort(), Object.keys(EXPECTED).sort());
  });

  for (const row of rows) {
    it(`${row.file} (§${row.section} ${row.title})`, () => {
      const buf = readFileSync(path.join(CORPUS, row.file));
      assert.equal(buf.length, row.bytes, 'corpus file size');
      assert.equal(createHash('sha256').update(buf).digest('hex'), row.sha256, 'corpus file hash');
      const want = EXPECTED[row.file];
      assert.ok(want, 'expectation present');
      const got = outcomeOf(buf);
      assert.equal(got.code, want.parseError, 'parse error code');
      assert.equal(got.outcome, want.outcome, 'outcome');
      if (want.verify) {
        assert.ok(got.message, 'a (partial) message to verify');
        want.verify(got.message);
      }
    });
  }
});
