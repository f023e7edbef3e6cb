/**
 * Per-user settings routes: DND, forwarding, block list and anonymous blocking, ring plan,
 * emergency address, and all of them at once. Bodies are checked against docs/openapi.yaml,
 * then by the dialplan's rules (SettingsChecker), and written with the Store's versions.
 */
import { apiError, ok } from './api-error.js';
import type { ApiResponse } from './api-error.js';
import type { OpenApiDocument } from './openapi-document.js';
import type { Route, RouteRequest } from './route.js';
import { under } from './settings-check.js';
import type { SettingsChecker, SettingsFragment } from './settings-check.js';
import type { Lookup, SettingsService, SettingsSnapshot } from './settings-service.js';
import { FORWARD_RULES, effectiveSettings } from './user-settings.js';
import type { EffectiveSettings, StoredSettings } from './user-settings.js';

export interface SettingsRouteDeps {
  readonly settings: SettingsService;
  readonly checker: SettingsChecker;
  readonly document: OpenApiDocument;
}

type Body = Readonly<Record<string, unknown>> & { readonly version?: number };

/** One settings resource: its view, and how a PUT body becomes the stored value. */
interface Resource<K extends keyof StoredSettings> {
  readonly path: string;
  readonly key: K;
  readonly schema: string;
  view(e: EffectiveSettings): object;
  fromBody(body: Body, s: SettingsSnapshot, checker: SettingsChecker): Lookup<StoredSettings[K]>;
}

const dnd: Resource<'dnd'> = {
  path: 'dnd',
  key: 'dnd',
  schema: 'DndUpdate',
  view: (e) => ({ enabled: e.dnd }),
  fromBody: (b) => ({ ok: true, value: b['enabled'] === true }),
};

const blockAnonymous: Resource<'blockAnonymous'> = {
  path: 'block-anonymous',
  key: 'blockAnonymous',
  schema: 'BlockAnonymousUpdate',
  view: (e) => ({ enabled: e.blockAnonymous }),
  fromBody: (b) => ({ ok: true, value: b['enabled'] === true }),
};

const forwarding: Resource<'forwarding'> = {
  path: 'forwarding',
  key: 'forwarding',
  schema: 'ForwardingUpdate',
  view: (e) => ({ ...e.forwarding }),
  fromBody: (b, s, checker) => {
    const rules: Record<string, string> = {};
    for (const rule of FORWARD_RULES) if (typeof b[rule] === 'string') rules[rule] = b[rule];
    return checked(checker, s, { forwarding: rules }, under('forwarding'), (e) => e.forwarding);
  },
};

const ringPlan: Resource<'ringPlan'> = {
  path: 'ring-plan',
  key: 'ringPlan',
  schema: 'RingPlanUpdate',
  view: (e) => ({ ...e.ringPlan }),
  fromBody: (b, s, checker) => {
    const { version: _version, ...plan } = b;
    return checked(checker, s, { ringPlan: plan }, under('ringPlan'), (e) => e.ringPlan);
  },
};

const emergencyAddress: Resource<'emergencyAddress'> = {
  path: 'emergency-address',
  key: 'emergencyAddress',
  schema: 'EmergencyAddressUpdate',
  view: (e) => ({ address: e.emergencyAddress }),
  fromBody: (b, s, checker) => checked(checker, s, { emergencyAddress: b['address'] }, under('emergencyAddress', 'address'), (e) => e.emergencyAddress),
};

/** Runs the dialplan's checks on `fragment` and takes the normalised value from the result. */
function checked<T>(
  checker: SettingsChecker,
  s: SettingsSnapshot,
  fragment: SettingsFragment,
  field: (path: string) => string,
  pick: (e: EffectiveSettings) => T,
): Lookup<T> {
  const result = checker.check(s.user, fragment, field);
  if (!result.ok) return { ok: false, response: apiError('VALIDATION_FAILED', result.message, { field: result.field }) };
  return { ok: true, value: pick(effectiveSettings(result.user, {})) };
}

export function settingsRoutes(deps: SettingsRouteDeps): Route[] {
  const resources = [dnd, blockAnonymous, forwarding, ringPlan, emergencyAddress] as const;
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/users/{userId}/settings',
      auth: true,
      handle: async (req) => answer(await deps.settings.read(userId(req)), (s) => ({ ...s.effective, version: s.version })),
    },
  ];
  for (const resource of resources) routes.push(...resourceRoutes(resource as Resource<keyof StoredSettings>, deps));
  return routes;
}

function resourceRoutes<K extends keyof StoredSettings>(resource: Resource<K>, deps: SettingsRouteDeps): Route[] {
  const path = `/users/{userId}/${resource.path}`;
  const view = (s: SettingsSnapshot): object => ({ ...resource.view(s.effective), version: s.version });
  return [
    { method: 'GET', path, auth: true, handle: async (req) => answer(await deps.settings.read(userId(req)), view) },
    {
      method: 'PUT',
      path,
      auth: true,
      handle: async (req) => {
        const user = deps.settings.user(userId(req));
        if (!user.ok) return user.response;
        const body = await validBody(req, deps.document, resource.schema);
        if (!body.ok) return body.response;
        const b = body.value;
        return answer(await deps.settings.update(user.value.id, resource.key, b.version, (s) => resource.fromBody(b, s, deps.checker)), view);
      },
    },
  ];
}

export function userId(req: RouteRequest): string {
  return req.params['userId'] ?? '';
}

export async function validBody(req: RouteRequest, document: OpenApiDocument, schema: string): Promise<Lookup<Body>> {
  const body = await req.body();
  if (!body.ok) return body;
  const invalid = document.validate(schema, body.value);
  return invalid ? { ok: false, response: invalid } : { ok: true, value: body.value as Body };
}

export function answer<T>(result: Lookup<T>, view: (value: T) => object): ApiResponse {
  return result.ok ? ok(view(result.value)) : result.response;
}
