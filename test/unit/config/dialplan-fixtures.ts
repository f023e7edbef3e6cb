/**
 * Small dialplans for the loader tests, written as YAML text so that each test shows
 * the exact mistake it makes. yamlOf() joins a valid base with the parts a test changes.
 */
import { formatDialplanErrors, parseDialplan } from '../../../src/config/index.js';
import type { Dialplan, DialplanResult, EnvMap } from '../../../src/config/index.js';

export const FILE = 'dialplans/x.yaml';

export const ENV: EnvMap = Object.freeze({
  ALICE_PW: 'alice-secret-1',
  BOB_PW: 'bob-secret-22',
  ALICE_PIN: '4321',
  CARRIER_PW: 'carrier-pw',
  CONTROL_TOKEN: 'control-token-0123456789',
});

export const TOP = 'version: 1\ndomain: pbx.example.com\ndefaultCountry: US\n';

export const ALICE = '  - id: alice\n    extension: "100"\n    sip: { password: { env: ALICE_PW } }\n';
export const BOB = '  - id: bob\n    extension: "101"\n    sip: { password: { env: BOB_PW } }\n';

export const CARRIER = '  - name: carrier\n    inbound: { sources: ["127.0.0.1"] }\n    outbound: { uri: "sip:127.0.0.1:5080" }\n';

export const EMERGENCY = 'emergency:\n  numbers: ["911", "933"]\n  trunk: carrier\n';

export interface Parts {
  top?: string;
  users?: string[];
  trunks?: string[];
  emergency?: string;
  /** More top-level YAML, appended as is. */
  extra?: string;
}

export function yamlOf(parts: Parts = {}): string {
  const users = parts.users ?? [ALICE, BOB];
  const trunks = parts.trunks ?? [CARRIER];
  return [
    parts.top ?? TOP,
    users.length ? `users:\n${users.join('')}` : '',
    trunks.length ? `trunks:\n${trunks.join('')}` : '',
    parts.emergency ?? EMERGENCY,
    parts.extra ?? '',
  ].join('');
}

export function parse(text: string, env: EnvMap = ENV): DialplanResult {
  return parseDialplan(text, { file: FILE, env });
}

/** The formatted error lines for text, failing the test if it loads. */
export function errorLines(text: string, env: EnvMap = ENV): string[] {
  const result = parse(text, env);
  if (result.ok) throw new Error('expected the dialplan to be rejected, but it loaded');
  return formatDialplanErrors(result.errors).split('\n');
}

/** The loaded dialplan, failing the test with the errors if it does not load. */
export function loaded(text: string, env: EnvMap = ENV): Dialplan {
  const result = parse(text, env);
  if (!result.ok) throw new Error(`expected the dialplan to load:\n${formatDialplanErrors(result.errors)}`);
  return result.dialplan;
}
