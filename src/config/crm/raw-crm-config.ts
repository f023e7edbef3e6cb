/**
 * A CRM config as it is once it has passed schema/crm-config.schema.json with ajv's
 * defaults applied: what the YAML says, before the login URL is resolved, secrets read and
 * cross-field rules checked. Only the schema check produces one.
 */
export interface RawSecretRef {
  env: string;
}

export interface RawKeyRef {
  env?: string;
  file?: string;
}

export interface RawCrmConfig {
  version: 1;
  gatewayId: string;
  dataDir: string;
  dialplan?: string;
  salesforce: {
    loginUrl?: string;
    sandbox?: boolean;
    myDomain?: string;
    apiVersion: string;
    auth: {
      kind: 'jwt' | 'password';
      username: string;
      clientId?: string;
      privateKey?: RawKeyRef;
      password?: RawSecretRef;
      securityToken?: RawSecretRef;
      clientSecret?: RawSecretRef;
    };
  };
  externalIdField?: string;
  lookup: { cacheTtlMs: number; negativeTtlMs: number; extraPhoneFields: string[]; budgetMs: number; defaultCountry: string };
  unknownCallers: { mode: 'contact' | 'lead' | 'none'; accountName: string; emailDomain: string; leadCompany?: string };
  batch: { maxRecords: number; maxWaitMs: number };
  governor: { maxShare: number };
  deadLetters: {
    dir?: string;
    webhookUrl?: string;
    smtp?: { host: string; port: number; security: 'starttls' | 'tls' | 'none'; username?: string; password?: RawSecretRef; from: string; to: string[] };
  };
  events: { backend: 'file' | 'redis'; dir?: string; maxBytes?: number; redisUrl?: string | RawSecretRef; stream: string; claimMinIdleMs: number };
}
