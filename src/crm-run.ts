/**
 * The CRM worker inside `linegate run` (issue #4: "inside make run on the embedded
 * defaults"). A composition root like crm-main.ts, whose startCrmWorker it uses, sharing
 * the gateway's event log.
 *
 * - LINEGATE_CRM_CONFIG names a CRM config file: the worker runs against that org
 *   (a bad file stops `linegate run` with the file, the field and the fix).
 * - LINEGATE_CRM=off: no worker; callers are shown by the Store's cached names only.
 * - Otherwise (the demo default): an in-process Salesforce emulator with the demo org
 *   (docs/sf-emulator.md), each dialplan user a Salesforce User of it, and the worker
 *   logging in to it — so `make run` shows calls becoming Tasks without a real org.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CrmContactDirectory } from './crm/index.js';
import { formatCrmConfigErrors, parseCrmConfig, readCrmConfig } from './config/index.js';
import type { CrmSettings, Dialplan } from './config/index.js';
import { startCrmWorker } from './crm-main.js';
import type { RunningCrmWorker } from './crm-main.js';
import type { FileEventLog } from './events/index.js';
import type { Logger, Registry } from './observability/index.js';
import { DEMO_EXTERNAL_ID_FIELD, DEMO_USER, demoOptions, SalesforceEmulator, seedDemoOrg } from './sf-emulator/index.js';
import type { EmulatedUser } from './sf-emulator/index.js';

export interface RunCrmOptions {
  dialplan: Dialplan;
  events: FileEventLog;
  varDir: string;
  log: Logger;
  registry?: Registry;
  env: NodeJS.ProcessEnv;
}

export interface RunningCrm {
  /** The contact directory for the call path: the worker's own lookups and cache. */
  directory: CrmContactDirectory;
  /** The call path's lookup budget (settings.lookup.budgetMs). */
  budgetMs: number;
  /** One line for the start-up banner. */
  describe: string;
  /** The emulator's URL in demo mode. */
  emulatorUrl?: string;
  close(): Promise<void>;
}

/** undefined with LINEGATE_CRM=off; throws a LinegateError-free Error with the formatted config errors on a bad file. */
export async function startRunCrm(o: RunCrmOptions): Promise<RunningCrm | undefined> {
  if (o.env['LINEGATE_CRM'] === 'off') return undefined;
  const file = o.env['LINEGATE_CRM_CONFIG'];
  if (file) {
    const loaded = readCrmConfig(file);
    if (!loaded.ok) throw new CrmConfigRejected(formatCrmConfigErrors(loaded.errors));
    const running = await startCrmWorker(loaded.settings, deps(o));
    return wrap(running, loaded.settings, `CRM: worker for ${loaded.settings.salesforce.loginUrl} (config ${file})`, []);
  }
  return startDemo(o);
}

export class CrmConfigRejected extends Error {}

async function startDemo(o: RunCrmOptions): Promise<RunningCrm> {
  const users: EmulatedUser[] = o.dialplan.users.map((u) => ({
    username: `${u.id}@linegate.demo`, password: 'unused-demo-password', securityToken: 'UNUSED', firstName: u.displayName ?? u.id, lastName: 'Line',
  }));
  const base = demoOptions();
  const port = Number(o.env['LINEGATE_SF_EMULATOR_PORT'] ?? 0);
  const sf = new SalesforceEmulator({ ...base, users: [...(base.users ?? []), ...users], port, address: '127.0.0.1' });
  const { url } = await sf.start();
  seedDemoOrg(sf, Date.now());
  const owners = new Map(o.dialplan.users.map((u) => [u.id, sf.userId(`${u.id}@linegate.demo`)]));
  const dataDir = path.join(o.varDir, 'crm');
  await mkdir(dataDir, { recursive: true });
  const yaml = [
    'version: 1', 'gatewayId: linegate-demo', `dataDir: ${JSON.stringify(dataDir)}`,
    'salesforce:', `  loginUrl: ${url}`, '  auth:', '    kind: password', `    username: ${DEMO_USER.username}`,
    '    password: { env: SF_DEMO_PASSWORD }', '    securityToken: { env: SF_DEMO_TOKEN }',
    `externalIdField: ${DEMO_EXTERNAL_ID_FIELD}`,
    `lookup: { defaultCountry: ${o.dialplan.defaultCountry} }`,
  ].join('\n');
  const parsed = parseCrmConfig(yaml, {
    file: '(built-in demo CRM config)', env: { SF_DEMO_PASSWORD: DEMO_USER.password, SF_DEMO_TOKEN: DEMO_USER.securityToken },
  });
  if (!parsed.ok) {
    await sf.close();
    throw new CrmConfigRejected(formatCrmConfigErrors(parsed.errors));
  }
  const running = await startCrmWorker(parsed.settings, { ...deps(o), ownerOf: (userId) => owners.get(userId) });
  const describe = `CRM: calls become Tasks in a local Salesforce emulator (demo org) at ${url}\n`
    + `  log in with ${DEMO_USER.username} / ${DEMO_USER.password} + token ${DEMO_USER.securityToken};`
    + ' set LINEGATE_CRM_CONFIG for a real org (docs/crm.md), LINEGATE_CRM=off for none';
  return { ...wrap(running, parsed.settings, describe, [() => sf.close()]), emulatorUrl: url };
}

function deps(o: RunCrmOptions): Parameters<typeof startCrmWorker>[1] {
  return { events: o.events, dialplan: o.dialplan, logger: o.log, ...(o.registry ? { registry: o.registry } : {}) };
}

function wrap(running: RunningCrmWorker, settings: CrmSettings, describe: string, after: Array<() => Promise<void>>): RunningCrm {
  return {
    directory: new CrmContactDirectory(running.lookup),
    budgetMs: settings.lookup.budgetMs,
    describe,
    async close() {
      await running.close();
      for (const close of after) await close();
    },
  };
}
