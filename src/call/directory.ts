/**
 * Finding users by what was dialled: an extension, or a business number in any form the
 * numbering plan turns into the same E.164.
 *
 * The shell asks this for every call in, with the same directory array each time; a linear
 * scan normalises every user's business number per call (200 users: ~10 µs). A directory
 * array met a second time gets an index (extension → user, E.164 → user), kept in a WeakMap
 * so that it goes with the array. Before each use the index is checked against the array's
 * users, their extensions and business numbers and the numbering plan (~1 µs for 200 users);
 * on any change it is built again, so the answer is always the scan's: the first user, in
 * directory order, that matches. Memoising keeps the core pure: same inputs, same answer.
 */
import { normaliseNumber, stripVisualSeparators } from './dial-string.js';
import type { LineUser } from './line-user.js';
import type { NumberingPlan } from './policy.js';

export function findCallee(directory: readonly LineUser[], dialled: string, plan: NumberingPlan): LineUser | undefined {
  const s = stripVisualSeparators(dialled);
  const index = indexOf(directory, plan);
  if (index) return index.byExtension.get(s) ?? lookupNumber(index, s, plan);
  const byExtension = directory.find((u) => u.extension === s);
  if (byExtension) return byExtension;
  const e164 = normaliseNumber(s, plan);
  return e164 === null ? undefined : directory.find((u) => normaliseNumber(u.businessNumber, plan) === e164);
}

interface DirectoryIndex {
  plan: NumberingPlan;
  /** What the index was built from, to check it still describes the array. */
  users: LineUser[];
  extensions: string[];
  numbers: string[];
  /** The first user in directory order for each extension and each normalised business number. */
  byExtension: Map<string, LineUser>;
  byNumber: Map<string, LineUser>;
}

/** `seen`: met once; an index is built the second time (a fresh array per call is never indexed). */
const indexes = new WeakMap<readonly LineUser[], DirectoryIndex | 'seen'>();

function lookupNumber(index: DirectoryIndex, s: string, plan: NumberingPlan): LineUser | undefined {
  const e164 = normaliseNumber(s, plan);
  return e164 === null ? undefined : index.byNumber.get(e164);
}

function indexOf(directory: readonly LineUser[], plan: NumberingPlan): DirectoryIndex | undefined {
  const known = indexes.get(directory);
  if (known === undefined) {
    indexes.set(directory, 'seen');
    return undefined;
  }
  if (known !== 'seen' && describes(known, directory, plan)) return known;
  const built = buildIndex(directory, plan);
  indexes.set(directory, built);
  return built;
}

function describes(index: DirectoryIndex, directory: readonly LineUser[], plan: NumberingPlan): boolean {
  if (!samePlan(index.plan, plan) || index.users.length !== directory.length) return false;
  for (let i = 0; i < directory.length; i++) {
    const u = directory[i] as LineUser;
    if (u !== index.users[i] || u.extension !== index.extensions[i] || u.businessNumber !== index.numbers[i]) return false;
  }
  return true;
}

function samePlan(a: NumberingPlan, b: NumberingPlan): boolean {
  return a === b || (a.countryCode === b.countryCode && a.internationalPrefix === b.internationalPrefix &&
    a.nationalPrefix === b.nationalPrefix && a.nationalNumberLength === b.nationalNumberLength);
}

function buildIndex(directory: readonly LineUser[], plan: NumberingPlan): DirectoryIndex {
  const byExtension = new Map<string, LineUser>();
  const byNumber = new Map<string, LineUser>();
  for (const u of directory) {
    if (!byExtension.has(u.extension)) byExtension.set(u.extension, u);
    const e164 = normaliseNumber(u.businessNumber, plan);
    if (e164 !== null && !byNumber.has(e164)) byNumber.set(e164, u);
  }
  return {
    plan: { ...plan },
    users: [...directory],
    extensions: directory.map((u) => u.extension),
    numbers: directory.map((u) => u.businessNumber),
    byExtension,
    byNumber,
  };
}
