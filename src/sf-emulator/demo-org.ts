/**
 * The demo org that `bin/linegate sf-emulator` starts: one integration user, an OAuth client
 * for the password grant, the Task external-ID field the worker upserts on, and a few people
 * with phone numbers in different formats so that a demo call shows a name.
 * These credentials are published on purpose; they protect nothing.
 */
import type { SalesforceEmulatorOptions } from './emulator-options.js';
import type { SalesforceEmulator } from './salesforce-emulator.js';

export const DEMO_USER = { username: 'integration@linegate.demo', password: 'linegate-demo', securityToken: 'DEMOTOKEN0000' } as const;
export const DEMO_CLIENT = { clientId: 'linegate-demo-client', clientSecret: 'linegate-demo-secret' } as const;
export const DEMO_EXTERNAL_ID_FIELD = 'Linegate_Call_Key__c';

export function demoOptions(): SalesforceEmulatorOptions {
  return {
    users: [{ ...DEMO_USER, firstName: 'Linegate', lastName: 'Integration', email: 'integration@linegate.demo' }],
    oauthClients: [DEMO_CLIENT],
    customFields: { Task: [{ name: DEMO_EXTERNAL_ID_FIELD, type: 'string', externalId: true, unique: true, label: 'Linegate Call Key' }] },
  };
}

/** Seeds the demo people a day in the past, so that they are searchable despite the index lag. */
export function seedDemoOrg(sf: SalesforceEmulator, now: number): void {
  const createdAt = now - 24 * 60 * 60 * 1000;
  const acme = sf.seed('Account', { Name: 'Acme Corporation', Phone: '(415) 555-0100' }, { createdAt });
  const globex = sf.seed('Account', { Name: 'Globex', Phone: '+1 212 555 0199' }, { createdAt });
  sf.seed('Contact', { FirstName: 'Jane', LastName: 'Doe', AccountId: acme, MobilePhone: '+1 415-555-0101', Email: 'jane.doe@acme.example' }, { createdAt });
  sf.seed('Contact', { FirstName: 'John', LastName: 'Smith', AccountId: globex, Phone: '2125550123' }, { createdAt });
  sf.seed('Lead', { FirstName: 'Pat', LastName: 'Lee', Company: 'Initech', Phone: '(650) 555-0142' }, { createdAt });
  const close = new Date(now + 30 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  sf.seed('Opportunity', { Name: 'Acme - 500 seats', StageName: 'Prospecting', CloseDate: close, AccountId: acme }, { createdAt });
}
