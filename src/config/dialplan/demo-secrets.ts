/**
 * The secrets dialplans/example.yaml refers to, with the values `make run` uses when
 * they are not set, so the demo works without setup. They live here, beside the demo
 * command, and not in the YAML: a dialplan file never holds a secret, so a production
 * file copied from the example cannot silently keep a published password (the
 * trade-off is written up in docs/dialplan.md, "Secrets").
 */
import type { Secret } from './secret.js';

export const DEMO_SECRET_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  LINEGATE_DEMO_ALICE_PASSWORD: 'alice-demo-100',
  LINEGATE_DEMO_BOB_PASSWORD: 'bob-demo-101',
  // Voicemail PINs (PIN_RULE: 4 to 10 digits), asked when calling one's own number from elsewhere.
  LINEGATE_DEMO_ALICE_PIN: '1000',
  LINEGATE_DEMO_BOB_PIN: '1001',
  // The control API's bearer token in the demo (TOKEN_RULE: at least 16 characters).
  LINEGATE_DEMO_CONTROL_TOKEN: 'linegate-demo-control-token',
});

/**
 * The value to print for a secret in the demo's start-up help: the published default
 * when the secret still has it (printing it reveals nothing), else undefined, so that a
 * value set in the environment is never printed (house rule: never log secrets).
 */
export function publishedDemoSecret(secret: Secret): string | undefined {
  const published = DEMO_SECRET_DEFAULTS[secret.envName];
  return published !== undefined && secret.reveal() === published ? published : undefined;
}
