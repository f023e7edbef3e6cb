/**
 * The one-user dialplan the b2bua unit tests start from: alice (+1 415 555 0100, extension
 * 100) and a carrier trunk at 192.0.2.1, with what a test needs put in its place. One copy,
 * so that a change of the dialplan format is made once for all of them.
 */
import assert from 'node:assert/strict';
import { parseDialplan } from '../../../src/config/index.js';
import type { Dialplan } from '../../../src/config/index.js';

export interface AliceDialplanOptions {
  /** Default 127.0.0.1. */
  readonly domain?: string;
  /** Top-level sections before `users:`, as YAML (e.g. `ringing: { confirmTimeoutS: 25 }`). */
  readonly top?: string;
  /** More of alice's own fields, one YAML line each (e.g. `ringPlan: { ... }`). */
  readonly alice?: readonly string[];
}

/** Parses the dialplan; a test's own mistake in it fails the test with the errors. */
export function aliceDialplan(o: AliceDialplanOptions = {}): Dialplan {
  const more = (o.alice ?? []).map((line) => `    ${line}\n`).join('');
  const text = `version: 1
domain: ${o.domain ?? '127.0.0.1'}
defaultCountry: US
${o.top ?? ''}
users:
  - id: alice
    businessNumber: "+14155550100"
    extension: "100"
    sip: { password: { env: PW } }
${more}trunks:
  - name: carrier
    inbound: { sources: ["192.0.2.1"] }
    outbound: { uri: "sip:192.0.2.1" }
emergency: { numbers: ["911"], trunk: carrier }
`;
  const r = parseDialplan(text, { file: 't.yaml', env: { PW: 'pw-pw-pw-pw-1' } });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.dialplan;
}

/** alice's emergency address, for tests whose calls need one on file. */
export const ALICE_ADDRESS = 'emergencyAddress: { street: 1 Market St, city: San Francisco, region: CA, postalCode: "94105", country: US }';
