import type { SalesforceClient } from '../salesforce/index.js';

/** What the lookup needs of SalesforceClient (tests pass a fake). */
export type SalesforceCaller = Pick<SalesforceClient, 'call'>;
