/**
 * Block-list routes: add or remove one number or prefix. These may be sent without a
 * version: adding or removing one entry does not depend on what the client last read.
 */
import { apiError } from './api-error.js';
import type { Route } from './route.js';
import type { SettingsChecker } from './settings-check.js';
import type { Lookup, SettingsSnapshot } from './settings-service.js';
import { answer, userId, validBody } from './settings-routes.js';
import type { SettingsRouteDeps } from './settings-routes.js';
import type { BlockListSettings } from './user-settings.js';

const PATH = '/users/{userId}/block-list';

const view = (s: SettingsSnapshot): object => ({ ...s.effective.blockList, version: s.version });

export function blockListRoutes(deps: SettingsRouteDeps): Route[] {
  return [
    { method: 'GET', path: PATH, auth: true, handle: async (req) => answer(await deps.settings.read(userId(req)), view) },
    {
      method: 'POST',
      path: PATH,
      auth: true,
      handle: async (req) => {
        const user = deps.settings.user(userId(req));
        if (!user.ok) return user.response;
        const body = await validBody(req, deps.document, 'BlockListAdd');
        if (!body.ok) return body.response;
        const b = body.value;
        const result = await deps.settings.update(user.value.id, 'blockList', b.version, (s) => {
          const entry = normalise(deps.checker, s, b['number'], b['prefix']);
          return entry.ok ? { ok: true, value: added(s.effective.blockList, entry.value) } : entry;
        });
        return answer(result, view);
      },
    },
    {
      method: 'DELETE',
      path: `${PATH}/{entry}`,
      auth: true,
      handle: async (req) => {
        const user = deps.settings.user(userId(req));
        if (!user.ok) return user.response;
        const version = parseVersion(req.query.get('version'));
        if (version === 'invalid') return apiError('VALIDATION_FAILED', 'version must be a whole number', { field: 'version' });
        const entry = req.params['entry'] ?? '';
        const result = await deps.settings.update(user.value.id, 'blockList', version, (s) => removed(deps.checker, s, entry));
        return answer(result, view);
      },
    },
  ];
}

type Entry = { readonly kind: 'numbers' | 'prefixes'; readonly value: string };

function normalise(checker: SettingsChecker, s: SettingsSnapshot, number: unknown, prefix: unknown): Lookup<Entry> {
  if (typeof prefix === 'string') return { ok: true, value: { kind: 'prefixes', value: prefix } };
  const result = checker.check(s.user, { blockList: { numbers: [String(number)] } }, () => 'number');
  if (!result.ok) return { ok: false, response: apiError('VALIDATION_FAILED', result.message, { field: result.field }) };
  return { ok: true, value: { kind: 'numbers', value: result.user.blockList.numbers[0] ?? String(number) } };
}

function added(list: BlockListSettings, entry: Entry): BlockListSettings {
  if (list[entry.kind].includes(entry.value)) return list;
  return { ...list, [entry.kind]: [...list[entry.kind], entry.value] };
}

/** Removes the entry as listed, else the number it normalises to (`4155550123` → `+14155550123`). */
function removed(checker: SettingsChecker, s: SettingsSnapshot, entry: string): Lookup<BlockListSettings> {
  const list = s.effective.blockList;
  const candidates = [entry];
  const asNumber = checker.check(s.user, { blockList: { numbers: [entry] } }, () => 'entry');
  if (asNumber.ok && asNumber.user.blockList.numbers[0] !== undefined) candidates.push(asNumber.user.blockList.numbers[0]);
  for (const kind of ['numbers', 'prefixes'] as const) {
    const found = candidates.find((c) => list[kind].includes(c));
    if (found !== undefined) return { ok: true, value: { ...list, [kind]: list[kind].filter((x) => x !== found) } };
  }
  return { ok: false, response: apiError('BLOCK_ENTRY_NOT_FOUND', `"${entry}" is not on the block list`) };
}

function parseVersion(text: string | null): number | undefined | 'invalid' {
  if (text === null) return undefined;
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : 'invalid';
}
