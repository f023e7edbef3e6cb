/**
 * The CRM worker's settings, as loaded from its YAML file (schema/crm-config.schema.json,
 * docs/crm.md "Configuration"): every default filled in, the login URL resolved, secrets
 * resolved into Secret values, the whole tree deep-frozen.
 */
import type { DialplanError } from '../dialplan/types.js';
import type { Secret } from '../dialplan/secret.js';

export interface CrmSettings {
  /** The file it was loaded from. */
  readonly file: string;
  readonly version: 1;
  readonly gatewayId: string;
  readonly dataDir: string;
  /** The dialplan giving users' Salesforce user ids (Task OwnerId); undefined: none. */
  readonly dialplan: string | undefined;
  readonly salesforce: CrmSalesforceSettings;
  /** A Task field marked External ID + Unique; undefined: Tasks are found by CallObject. */
  readonly externalIdField: string | undefined;
  readonly lookup: CrmLookupSettings;
  readonly unknownCallers: CrmUnknownCallers;
  readonly batch: { readonly maxRecords: number; readonly maxWaitMs: number };
  readonly governor: { readonly maxShare: number };
  readonly deadLetters: CrmDeadLetterSettings;
  readonly events: CrmEventSettings;
}

export interface CrmSalesforceSettings {
  /** Resolved from loginUrl, sandbox or myDomain (default https://login.salesforce.com). */
  readonly loginUrl: string;
  readonly apiVersion: string;
  readonly auth: CrmAuthSettings;
}

export type CrmAuthSettings =
  | { readonly kind: 'jwt'; readonly clientId: string; readonly username: string; readonly privateKey: Secret }
  | {
      readonly kind: 'password';
      readonly username: string;
      readonly password: Secret;
      readonly securityToken: Secret;
      readonly clientId: string | undefined;
      readonly clientSecret: Secret | undefined;
    };

export interface CrmLookupSettings {
  readonly cacheTtlMs: number;
  readonly negativeTtlMs: number;
  readonly extraPhoneFields: readonly string[];
  readonly budgetMs: number;
  readonly defaultCountry: string;
}

export interface CrmUnknownCallers {
  readonly mode: 'contact' | 'lead' | 'none';
  readonly accountName: string;
  readonly emailDomain: string;
  readonly leadCompany: string | undefined;
}

export interface CrmDeadLetterSettings {
  readonly dir: string;
  readonly webhookUrl: string | undefined;
  readonly smtp: CrmSmtpSettings | undefined;
}

export interface CrmSmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly security: 'starttls' | 'tls' | 'none';
  readonly username: string | undefined;
  readonly password: Secret | undefined;
  readonly from: string;
  readonly to: readonly string[];
}

export type CrmEventSettings =
  /** file: `maxBytes` caps the log's segments on disk (FileEventLogOptions.maxBytes). */
  | { readonly backend: 'file'; readonly dir: string; readonly maxBytes: number; readonly claimMinIdleMs: number }
  | { readonly backend: 'redis'; readonly redisUrl: Secret; readonly stream: string; readonly claimMinIdleMs: number };

/** One mistake in the file, with the fix (the same shape as a dialplan's). */
/** The same shape as a dialplan error: file, dotted path, what is wrong, the fix, the position. */
export type CrmConfigError = DialplanError;

export type CrmConfigResult = { readonly ok: true; readonly settings: CrmSettings } | { readonly ok: false; readonly errors: readonly CrmConfigError[] };
