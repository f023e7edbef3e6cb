/**
 * What a test (or the demo command) configures an emulated org with. Everything has a
 * default, so `new SalesforceEmulator({ users: [...] })` is a working org.
 */
import type { Clock } from '../shared/index.js';
import type { Logger } from '../observability/index.js';

/** A field value as stored and returned: JSON scalars. Dates are 'YYYY-MM-DD', datetimes ISO strings. */
export type SfValue = string | number | boolean | null;

/** A record's fields as a validation rule sees them (canonical field names). */
export type RecordView = Readonly<Record<string, SfValue>>;

/** Object permissions of a profile/permission set, per object. Create and Edit imply Read. */
export interface ObjectPermission {
  readonly read?: boolean;
  readonly create?: boolean;
  readonly edit?: boolean;
}

export interface EmulatedUser {
  readonly username: string;
  readonly password: string;
  /** Appended to the password for the SOAP login and the OAuth password grant. */
  readonly securityToken: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  /** The connected app this user has pre-approved for the JWT bearer flow. */
  readonly jwt?: { readonly consumerKey: string; readonly publicKeyPem: string };
  /**
   * Overrides of the default (read, create and edit on every object; read-only on User):
   * e.g. `{ Task: { create: false } }`.
   */
  readonly permissions?: Readonly<Record<string, ObjectPermission>>;
  /** Field-level security: fields this user cannot see at all, per object. */
  readonly hiddenFields?: Readonly<Record<string, readonly string[]>>;
  /** Field-level security: fields this user can see but not write, per object. */
  readonly readOnlyFields?: Readonly<Record<string, readonly string[]>>;
}

/** A custom field (name must end in `__c`). */
export interface CustomFieldSpec {
  readonly name: string;
  readonly type: 'string' | 'textarea' | 'phone' | 'email' | 'int' | 'double' | 'boolean' | 'date';
  readonly label?: string;
  readonly length?: number;
  readonly externalId?: boolean;
  readonly unique?: boolean;
  /**
   * For a unique field: compare values case-sensitively (default false: "ABC" and "abc" are
   * duplicates). A field that is not unique always matches case-sensitively.
   */
  readonly caseSensitive?: boolean;
  readonly required?: boolean;
}

/** A validation rule: when `condition` is true for the record being saved, the save fails. */
export interface ValidationRule {
  readonly sobject: string;
  readonly errorMessage: string;
  /** The field the error is shown on; omitted for a record-level error. */
  readonly errorField?: string;
  readonly condition: (record: RecordView, operation: 'create' | 'update') => boolean;
}

/** An OAuth client allowed to use the password grant (a connected app's consumer key and secret). */
export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret?: string;
}

export interface SalesforceEmulatorOptions {
  readonly address?: string;
  readonly port?: number;
  readonly clock?: Clock;
  /** Wall-clock time (ms since the epoch) at which the clock reads its current value; default Date.now(). */
  readonly wallClockStart?: number;
  readonly users?: readonly EmulatedUser[];
  readonly oauthClients?: readonly OAuthClient[];
  /** Accepted API versions are v{min}.0 … v{max}.0 (defaults 50 and 66). */
  readonly minApiVersion?: number;
  readonly maxApiVersion?: number;
  /** Inactivity after which a session is invalid (default 2 h, Salesforce's default timeout). */
  readonly sessionLifetimeMs?: number;
  /** Daily API request allowance of the org (default 15 000). */
  readonly dailyApiAllowance?: number;
  /** How long a new or changed record takes to become searchable by SOSL (default 0). */
  readonly searchIndexLagMs?: number;
  readonly customFields?: Readonly<Record<string, readonly CustomFieldSpec[]>>;
  readonly validationRules?: readonly ValidationRule[];
  /** Extra JWT audiences accepted besides the emulator's own URL. */
  readonly jwtAudiences?: readonly string[];
  readonly logger?: Logger;
}
