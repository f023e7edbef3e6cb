/**
 * Finding users by what was dialled: an extension, or a business number in any form the
 * numbering plan turns into the same E.164.
 */
import { normaliseNumber, stripVisualSeparators } from './dial-string.js';
import type { LineUser } from './line-user.js';
import type { NumberingPlan } from './policy.js';

export function findCallee(directory: readonly LineUser[], dialled: string, plan: NumberingPlan): LineUser | undefined {
  const s = stripVisualSeparators(dialled);
  const byExtension = directory.find((u) => u.extension === s);
  if (byExtension) return byExtension;
  const e164 = normaliseNumber(s, plan);
  return e164 === null ? undefined : directory.find((u) => normaliseNumber(u.businessNumber, plan) === e164);
}
