/**
 * The verdict of `linegate crm test-connection`: one line per check, and for each failure
 * what the Salesforce admin has to change. Pure: built from describe results (Salesforce
 * REST API, "sObject Describe": object-level createable/updateable/queryable, and `fields`,
 * which lists only the fields the user can see under field-level security).
 */
import type { ApiUsage } from './types.js';

export type CheckStatus = 'ok' | 'fail' | 'warn';

export interface ConnectionCheck {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail?: string;
  /** What to change in Salesforce (or in linegate's settings). */
  readonly fix?: string;
}

export interface ConnectionVerdict {
  /** No check failed (warnings allowed); the CLI exits non-zero otherwise. */
  readonly ok: boolean;
  readonly loginUrl: string;
  readonly apiVersion: string;
  readonly username: string;
  readonly authKind: 'jwt' | 'password';
  readonly instanceUrl?: string;
  readonly usage?: ApiUsage;
  readonly checks: readonly ConnectionCheck[];
}

/** The parts of a DescribeSObjectResult the checks read. */
export interface ObjectDescription {
  readonly name: string;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly queryable: boolean;
  readonly fields: readonly { readonly name: string; readonly createable: boolean; readonly updateable: boolean }[];
}

export type Access = 'read' | 'create' | 'edit';

export interface ObjectRequirement {
  readonly object: string;
  readonly access: readonly Access[];
  /** Fields that must be visible. */
  readonly read?: readonly string[];
  /** Fields that must be creatable. */
  readonly create?: readonly string[];
  /** Fields that must be updatable. */
  readonly edit?: readonly string[];
  /** Failures are warnings (needed only in some configurations). */
  readonly optional?: string;
}

const PERMISSION_SET = "the integration user's permission set";
const ACCESS_LABEL: Readonly<Record<Access, string>> = { read: 'Read', create: 'Create', edit: 'Edit' };

/** Checks for one object; `describe` is undefined when the describe call itself failed. */
export function objectChecks(req: ObjectRequirement, describe: ObjectDescription | undefined, describeError?: string): ConnectionCheck[] {
  const failStatus: CheckStatus = req.optional ? 'warn' : 'fail';
  const note = req.optional ? ` (${req.optional})` : '';
  if (!describe) {
    return [{
      name: `${req.access.map((a) => ACCESS_LABEL[a]).join('/')} ${req.object}`,
      status: failStatus,
      detail: `the integration user cannot see ${req.object}${describeError ? `: ${describeError}` : ''}${note}`,
      fix: `grant Read${req.access.filter((a) => a !== 'read').map((a) => `, ${ACCESS_LABEL[a]}`).join('')} on ${req.object} in ${PERMISSION_SET}`,
    }];
  }
  const checks: ConnectionCheck[] = req.access.map((access) => {
    const allowed = access === 'read' ? describe.queryable : access === 'create' ? describe.createable : describe.updateable;
    return allowed
      ? { name: `${ACCESS_LABEL[access]} ${req.object}`, status: 'ok' }
      : {
          name: `${ACCESS_LABEL[access]} ${req.object}`,
          status: failStatus,
          detail: `not allowed${note}`,
          fix: `grant ${ACCESS_LABEL[access]} on ${req.object} in ${PERMISSION_SET}`,
        };
  });
  const fieldProblems = fieldChecks(req, describe);
  if (fieldProblems.length === 0) return checks;
  return [...checks, { name: `fields of ${req.object}`, status: failStatus, detail: fieldProblems.map((p) => p.detail).join('; ') + note, fix: fieldProblems.map((p) => p.fix).join('; ') }];
}

function fieldChecks(req: ObjectRequirement, d: ObjectDescription): { detail: string; fix: string }[] {
  const byName = new Map(d.fields.map((f) => [f.name.toLowerCase(), f]));
  const problems: { detail: string; fix: string }[] = [];
  const wanted = new Set([...(req.read ?? []), ...(req.create ?? []), ...(req.edit ?? [])]);
  for (const name of wanted) {
    const f = byName.get(name.toLowerCase());
    const path = `${req.object}.${name}`;
    if (!f) {
      problems.push({ detail: `${path} is hidden or does not exist`, fix: `make ${path} visible in the field-level security of ${PERMISSION_SET} (or create the field)` });
    } else if ((req.create?.includes(name) && !f.createable) || (req.edit?.includes(name) && !f.updateable)) {
      problems.push({ detail: `${path} is read-only for the integration user`, fix: `grant Edit on ${path} in the field-level security of ${PERMISSION_SET}` });
    }
  }
  return problems;
}

/** The login check's fix, by Salesforce/OAuth error code. */
export function loginFix(code: string, message: string, loginUrl: string, authKind: 'jwt' | 'password'): string {
  if (code === 'invalid_grant' && authKind === 'jwt') {
    return 'check the consumer key (clientId) and username; upload the certificate matching privateKeyPem to the connected app; '
      + 'set its OAuth policy to "Admin approved users are pre-authorized" and assign the app to the user\'s profile or permission set; '
      + `use ${'https://test.salesforce.com'} for a sandbox (now ${loginUrl})`;
  }
  if (code === 'invalid_grant' || code === 'INVALID_LOGIN') {
    return 'check username, password and security token (reset it under Settings → Reset My Security Token); '
      + 'newer orgs block password logins: allow them or switch to auth kind "jwt"';
  }
  if (code === 'invalid_client_id' || code === 'invalid_client') return 'check clientId (the consumer key) and clientSecret of the connected app';
  if (code === 'API_DISABLED_FOR_ORG' || code === 'API_CURRENTLY_DISABLED') return 'grant the "API Enabled" permission to the integration user';
  if (code === 'INVALID_CONFIG') return message;
  if (code === 'NETWORK_ERROR' || code === 'REQUEST_TIMEOUT' || /^E[A-Z]+$/.test(code)) {
    return `check that ${loginUrl} is reachable from this host (DNS, proxy, firewall)`;
  }
  return `Salesforce said ${code}: ${message}`;
}

export function formatVerdict(v: ConnectionVerdict): string {
  const lines = [
    `Salesforce connection: ${v.ok ? 'OK' : 'FAILED'}`,
    `  login URL ${v.loginUrl}, API ${v.apiVersion}, ${v.authKind === 'jwt' ? 'JWT bearer' : 'username + password'} as ${v.username}`,
  ];
  if (v.instanceUrl) lines.push(`  instance ${v.instanceUrl}`);
  for (const c of v.checks) {
    const tag = c.status === 'ok' ? '[ok]  ' : c.status === 'warn' ? '[warn]' : '[FAIL]';
    lines.push(`  ${tag} ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
    if (c.fix && c.status !== 'ok') lines.push(`         fix: ${c.fix}`);
  }
  if (v.usage) {
    const pct = ((100 * v.usage.used) / v.usage.max).toFixed(1);
    lines.push(`  API usage (last 24 h): ${v.usage.used} of ${v.usage.max} (${pct}%)`);
  }
  return lines.join('\n');
}
