/**
 * The CRM worker against the Salesforce emulator, in this process: an emulated org with an
 * integration user (and, in external-id mode, the Task field Linegate_Call_Key__c), a
 * FileEventLog in a temp dir the test appends to, and startCrmWorker on a config parsed
 * from YAML (so the config path is exercised too), with short batching and retry times.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCrmConfig } from '../../src/config/index.js';
import type { CrmSettings } from '../../src/config/index.js';
import { startCrmWorker } from '../../src/crm-main.js';
import type { CrmWorkerDeps, RunningCrmWorker } from '../../src/crm-main.js';
import { FileEventLog } from '../../src/events/index.js';
import type { CallEvent } from '../../src/events/index.js';
import { createLogger, createRegistry } from '../../src/observability/index.js';
import type { Registry } from '../../src/observability/index.js';
import { SalesforceEmulator } from '../../src/sf-emulator/index.js';
import type { EmulatedUser, SalesforceEmulatorOptions } from '../../src/sf-emulator/index.js';

export const CALL_KEY = 'Linegate_Call_Key__c';
export const USER: EmulatedUser = { username: 'crm-worker@linegate.test', password: 'Passw0rd', securityToken: 'TOKEN1', firstName: 'Crm', lastName: 'Worker' };
const ENV = { SF_PASSWORD: USER.password, SF_TOKEN: USER.securityToken };

export interface CrmBedOptions {
  /** External-id mode (default true). */
  readonly ext?: boolean;
  readonly emulator?: SalesforceEmulatorOptions;
  /** Extra YAML appended to the config. */
  readonly yaml?: string;
  readonly deps?: Partial<CrmWorkerDeps>;
}

export interface CrmBed {
  readonly sf: SalesforceEmulator;
  readonly url: string;
  readonly dir: string;
  readonly events: FileEventLog;
  readonly settings: CrmSettings;
  readonly registry: Registry;
  running: RunningCrmWorker;
  /** Emulator ids of line users (alice → a User of the org). */
  readonly owners: Map<string, string>;
  append(events: readonly CallEvent[]): Promise<void>;
  /** Resolves once the crm group has acknowledged every event. */
  drained(timeoutMs?: number): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function configYaml(url: string, dir: string, o: Pick<CrmBedOptions, 'ext' | 'yaml'> = {}): string {
  return [
    'version: 1',
    'gatewayId: gw1',
    `dataDir: ${dir}`,
    'salesforce:',
    `  loginUrl: ${url}`,
    '  auth:',
    '    kind: password',
    `    username: ${USER.username}`,
    '    password: { env: SF_PASSWORD }',
    '    securityToken: { env: SF_TOKEN }',
    ...(o.ext === false ? [] : [`externalIdField: ${CALL_KEY}`]),
    'batch: { maxWaitMs: 20 }',
    o.yaml ?? '',
  ].join('\n');
}

export async function startCrmBed(o: CrmBedOptions = {}): Promise<CrmBed> {
  const sf = new SalesforceEmulator({
    users: [USER, { username: 'alice@linegate.test', password: 'x', securityToken: 'y', firstName: 'Alice', lastName: 'Line' }],
    customFields: o.ext === false ? {} : { Task: [{ name: CALL_KEY, type: 'string', externalId: true, unique: true }] },
    ...o.emulator,
  });
  const { url } = await sf.start();
  const dir = await mkdtemp(join(tmpdir(), 'linegate-crm-it-'));
  const parsed = parseCrmConfig(configYaml(url, dir, o), { file: 'crm-test.yaml', env: ENV });
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  const settings = parsed.settings;
  const events = new FileEventLog({ dir: join(dir, 'events') });
  await events.start();
  const owners = new Map([['alice', sf.userId('alice@linegate.test')]]);
  const registry = createRegistry();
  const start = (): Promise<RunningCrmWorker> => startCrmWorker(settings, {
    events, registry, logger: createLogger('silent'), ownerOf: (u) => owners.get(u),
    tuning: { read: { blockMs: 20 }, graceMs: 300, retry: { baseMs: 5, maxMs: 50, maxAttempts: 5 }, clientRetry: { baseMs: 2, maxMs: 20, maxAttempts: 4 } },
    ...o.deps,
  });
  const bed: CrmBed = {
    sf, url, dir, events, settings, registry, owners,
    running: await start(),
    async append(list) {
      // Concurrent appends share fsyncs (group commit) and keep their order.
      await Promise.all(list.map((e) => events.append(e)));
    },
    async drained(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await events.pending('crm')) > 0) {
        if (Date.now() > deadline) throw new Error(`${await events.pending('crm')} events still unacknowledged after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async restart() {
      await bed.running.close();
      bed.running = await start();
    },
    async close() {
      await bed.running.close();
      await events.close();
      await sf.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return bed;
}

/** Tasks of the org, by call id. */
export function tasksByCall(sf: SalesforceEmulator): Map<string, Array<Record<string, unknown>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  for (const t of sf.records('Task')) {
    const k = String(t['CallObject']);
    out.set(k, [...(out.get(k) ?? []), t]);
  }
  return out;
}
