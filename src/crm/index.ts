export type { CrmEventSource, CrmJson, CrmKv, CrmLoggedEvent } from './ports.js';
// src/crm/salesforce: connecting, calling and governing (h19)
export * from './salesforce/index.js';
// src/crm/lookup: who is on the line (h19)
export * from './lookup/index.js';
// src/crm/worker: call events → one Salesforce Task per call (h20)
export * from './worker/index.js';
