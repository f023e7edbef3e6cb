/**
 * The secrets dialplans/example.yaml refers to, with the values `make run` uses when
 * they are not set, so the demo works without setup. They live here, beside the demo
 * command, and not in the YAML: a dialplan file never holds a secret, so a production
 * file copied from the example cannot silently keep a published password (the
 * trade-off is written up in docs/dialplan.md, "Secrets").
 */
export const DEMO_SECRET_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  LINEGATE_DEMO_ALICE_PASSWORD: 'alice-demo-100',
  LINEGATE_DEMO_BOB_PASSWORD: 'bob-demo-101',
});
