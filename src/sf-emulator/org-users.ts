/**
 * The org's users who can log in, with their credentials, their User record Id and what they
 * may do. Usernames compare case-insensitively, as Salesforce's do.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { LinegateError } from '../shared/index.js';
import type { EmulatedUser } from './emulator-options.js';
import { SF_EMULATOR_CONFIG, UserAccess } from './org-schema.js';

export interface OrgUser {
  readonly spec: EmulatedUser;
  readonly userId: string;
  readonly access: UserAccess;
  readonly jwtKey: KeyObject | undefined;
}

export class OrgUsers {
  private readonly byName = new Map<string, OrgUser>();

  add(spec: EmulatedUser, userId: string): OrgUser {
    const key = spec.username.toLowerCase();
    if (this.byName.has(key)) throw new LinegateError(SF_EMULATOR_CONFIG, `users: ${spec.username} is defined twice`);
    const user: OrgUser = { spec, userId, access: new UserAccess(spec), jwtKey: spec.jwt ? publicKeyOf(spec) : undefined };
    this.byName.set(key, user);
    return user;
  }

  byUsername(username: string): OrgUser | undefined {
    return this.byName.get(username.toLowerCase());
  }

  all(): OrgUser[] {
    return [...this.byName.values()];
  }

  /** The public keys registered for a JWT consumer key (one connected app may serve several users). */
  jwtKeys(consumerKey: string): KeyObject[] {
    return this.all().filter((u) => u.spec.jwt?.consumerKey === consumerKey && u.jwtKey).map((u) => u.jwtKey!);
  }
}

function publicKeyOf(spec: EmulatedUser): KeyObject {
  const pem = spec.jwt!.publicKeyPem;
  try {
    // A connected app is configured with the certificate; a bare public key is accepted too.
    return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch (err) {
    throw new LinegateError(SF_EMULATOR_CONFIG, `users: ${spec.username}: jwt.publicKeyPem is not a PEM public key or certificate`, { cause: err });
  }
}
