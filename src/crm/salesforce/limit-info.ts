/**
 * The org's API usage from the `Sforce-Limit-Info` response header (Salesforce REST API
 * Developer Guide, "Limit Info Header": returned on each REST response, e.g.
 * `api-usage=18/5000`, possibly followed by `; per-app-api-usage=17/250(appName=…)` or
 * `; api-bursts=…`). Only `api-usage` is read: it is the org-wide daily allowance the
 * governor protects. Usage may exceed the limit (api-usage=110018/100000 during bursts).
 */
import type { ApiUsage } from './types.js';

const API_USAGE = /(?:^|[;,\s])api-usage=(\d+)\/(\d+)/;

export function parseLimitInfo(header: string | undefined): ApiUsage | undefined {
  if (header === undefined) return undefined;
  const m = API_USAGE.exec(header);
  if (!m?.[1] || !m[2]) return undefined;
  const used = Number(m[1]);
  const max = Number(m[2]);
  if (!Number.isSafeInteger(used) || !Number.isSafeInteger(max) || max <= 0) return undefined;
  return { used, max };
}
