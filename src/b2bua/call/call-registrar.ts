/**
 * What the CallShell needs of the Registrar (src/b2bua/registrar): Digest authentication of
 * INVITEs from devices, and the live contacts of a user with the srf options to reach each.
 * The Registrar fits as it is; tests may pass a small fake.
 */
import type { ShellRequest, ShellResponse } from './shell-srf.js';

/** For every outcome but Authenticated, the registrar has answered the request (401/403/…). */
export type CallAuthResult = { readonly type: 'Authenticated'; readonly userId: string } | { readonly type: string };

export interface ReachableDevice {
  /** The registered contact URI: the Request-URI of an INVITE to it. */
  readonly uri: string;
  readonly instanceId?: string;
  /** Spread into srf.createUAC's options (the flow's proxy, Route headers for Path). */
  readonly uacOptions: { readonly proxy?: string; readonly headers?: Readonly<Record<string, string>> };
}

export interface CallRegistrar {
  authenticate(req: ShellRequest, res: ShellResponse): Promise<CallAuthResult>;
  lookup(userId: string): Promise<readonly ReachableDevice[]>;
}

export function isAuthenticated(r: CallAuthResult): r is { type: 'Authenticated'; userId: string } {
  return r.type === 'Authenticated' && 'userId' in r;
}
