/**
 * The press-1 window's bounds are written in three places a reader meets separately: the
 * dialplan's JSON Schema (dialplan-wide and per target), docs/openapi.yaml (the control API's
 * Confirm), and the control API's check of stored settings. They must say the same.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONFIRM_WINDOW_S } from '../../../src/b2bua/control/user-settings.js';

type Bounds = { minimum: number; maximum: number };

function bounds(node: unknown, where: string): { min: number; max: number } {
  const b = node as Partial<Bounds> | undefined;
  assert.ok(b && typeof b.minimum === 'number' && typeof b.maximum === 'number', `${where} has no minimum/maximum`);
  return { min: b.minimum, max: b.maximum };
}

describe('press-1 window bounds: schema, OpenAPI and the control API agree', () => {
  const schema = JSON.parse(readFileSync('src/config/dialplan/schema/dialplan.schema.json', 'utf8')) as {
    properties: { ringing: { properties: { confirmTimeoutS: Bounds } } };
    $defs: { user: { properties: { ringPlan: { properties: { targets: { items: { properties: { confirm: { properties: { timeoutS: Bounds } } } } } } } } } };
  };
  const openapi = parse(readFileSync('docs/openapi.yaml', 'utf8')) as { components: { schemas: { Confirm: { properties: { timeoutS: Bounds } } } } };
  const expected = { min: CONFIRM_WINDOW_S.min, max: CONFIRM_WINDOW_S.max };

  it('the dialplan-wide ringing.confirmTimeoutS', () => {
    assert.deepEqual(bounds(schema.properties.ringing.properties.confirmTimeoutS, 'ringing.confirmTimeoutS'), expected);
  });

  it("a target's confirm.timeoutS in the dialplan", () => {
    const confirm = schema.$defs.user.properties.ringPlan.properties.targets.items.properties.confirm;
    assert.deepEqual(bounds(confirm.properties.timeoutS, 'targets[].confirm.timeoutS'), expected);
  });

  it("the control API's Confirm in docs/openapi.yaml", () => {
    assert.deepEqual(bounds(openapi.components.schemas.Confirm.properties.timeoutS, 'openapi Confirm.timeoutS'), expected);
  });
});
