/**
 * findCallee indexes a directory array it meets again (directory.ts). Its answers must stay
 * those of the plain scan it replaced — the first user in directory order whose extension,
 * else normalised business number, matches — whatever the directory, and after the array or
 * its users change.
 *
 * Run:  npx mocha --no-config --node-option import=tsx --extension ts test/unit/call/directory-index.test.ts
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LineUser, NumberingPlan } from '../../../src/call/index.js';
import { NANP_NUMBERING, findCallee, normaliseNumber, stripVisualSeparators } from '../../../src/call/index.js';
import { lineUser } from './call-fixtures.js';

const UK: NumberingPlan = { countryCode: '44', internationalPrefix: '00', nationalPrefix: '0', nationalNumberLength: 10 };

/** The scan findCallee did before it had an index: the reference answer. */
function scan(directory: readonly LineUser[], dialled: string, plan: NumberingPlan): LineUser | undefined {
  const s = stripVisualSeparators(dialled);
  const byExtension = directory.find((u) => u.extension === s);
  if (byExtension) return byExtension;
  const e164 = normaliseNumber(s, plan);
  return e164 === null ? undefined : directory.find((u) => normaliseNumber(u.businessNumber, plan) === e164);
}

/** Numbers in several spellings of a few values, so that users collide and forms differ. */
const numberArb = fc.constantFrom(
  '+14155550100', '(415) 555-0100', '14155550100', '4155550100', '+14155550101', '415.555.0101',
  '+442071234567', '02071234567', '00442071234567', '01144 20 7123 4567', '100', '', 'abc',
);
const extensionArb = fc.constantFrom('100', '101', '4155550100', '', '2000');
const directoryArb = fc.array(fc.tuple(numberArb, extensionArb), { maxLength: 8 }).map((rows) =>
  rows.map(([businessNumber, extension], i) => lineUser({ id: `u${i}`, businessNumber, extension })));
const dialledArb = fc.oneof(numberArb, extensionArb);
const planArb = fc.constantFrom(NANP_NUMBERING, UK, { ...NANP_NUMBERING });

describe('call/findCallee with its directory index', () => {
  it('answers as the scan does on first, second and later lookups in the same array', () => {
    fc.assert(
      fc.property(directoryArb, fc.array(fc.tuple(dialledArb, planArb), { minLength: 1, maxLength: 6 }), (dir, lookups) => {
        for (let round = 0; round < 3; round++) {
          for (const [dialled, plan] of lookups) assert.equal(findCallee(dir, dialled, plan), scan(dir, dialled, plan), `${dialled} (round ${round})`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('follows changes to the array and to its users after the index was built', () => {
    fc.assert(
      fc.property(directoryArb, dialledArb, numberArb, extensionArb, (dir, dialled, newNumber, newExtension) => {
        const check = (why: string): void => assert.equal(findCallee(dir, dialled, NANP_NUMBERING), scan(dir, dialled, NANP_NUMBERING), why);
        check('first');
        check('indexed');
        dir.unshift(lineUser({ id: 'pushed', businessNumber: newNumber, extension: newExtension }));
        check('after unshift');
        check('re-indexed');
        const first = dir[0] as LineUser;
        first.businessNumber = dialled;
        check('after a business number changed in place');
        first.extension = stripVisualSeparators(dialled);
        check('after an extension changed in place');
        dir[dir.length - 1] = lineUser({ id: 'replaced', businessNumber: dialled, extension: newExtension });
        check('after an element was replaced');
        dir.length = 0;
        check('after the array was emptied');
      }),
      { numRuns: 300 },
    );
  });

  it('takes the first matching user in directory order, by extension before number', () => {
    const a = lineUser({ id: 'a', businessNumber: '(415) 555-0100', extension: '100' });
    const b = lineUser({ id: 'b', businessNumber: '+14155550100', extension: '4155550100' });
    const dir = [a, b];
    for (let i = 0; i < 3; i++) {
      assert.equal(findCallee(dir, '+1 415 555 0100', NANP_NUMBERING)?.id, 'a');
      assert.equal(findCallee(dir, '4155550100', NANP_NUMBERING)?.id, 'b', 'an extension wins over a number');
      assert.equal(findCallee(dir, '100', NANP_NUMBERING)?.id, 'a');
      assert.equal(findCallee(dir, '+14155550199', NANP_NUMBERING), undefined);
    }
  });

  it('uses the numbering plan of each lookup, not the one the index was built with', () => {
    const dir = [lineUser({ id: 'london', businessNumber: '02071234567', extension: '1' })];
    for (let i = 0; i < 3; i++) {
      assert.equal(findCallee(dir, '+442071234567', UK)?.id, 'london');
      assert.equal(findCallee(dir, '+442071234567', NANP_NUMBERING), undefined);
    }
  });
});
