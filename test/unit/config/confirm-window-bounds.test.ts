/**
 * The press-1 window's bounds are written in three places a reader meets separately: the
 * dialplan's JSON Schema (dialplan-wide and per target), docs/openapi.yaml (the control API's
 * Confirm), and the control API's check of stored settings. They must say the same. So must
 * the bounds of a ring time (below).
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

/**
 * Likewise a ring time: the dialplan-wide default for a sequential plan's target
 * (ringing.defaultTargetTimeoutS) takes exactly the bounds of a target's own timeoutS, so a
 * default is never a time a target could not give itself, and the control API's RingTarget
 * in docs/openapi.yaml says the same.
 */
describe('ring time bounds: the dialplan-wide default, a target\'s timeoutS and the control API agree', () => {
  const schema = JSON.parse(readFileSync('src/config/dialplan/schema/dialplan.schema.json', 'utf8')) as {
    properties: { ringing: { properties: { defaultTargetTimeoutS: Bounds & { default: number } } } };
    $defs: { user: { properties: { ringPlan: { properties: { targets: { items: { properties: { timeoutS: Bounds } } } } } } } };
  };
  const openapi = parse(readFileSync('docs/openapi.yaml', 'utf8')) as { components: { schemas: { RingTarget: { properties: { timeoutS: Bounds } } } } };
  const target = bounds(schema.$defs.user.properties.ringPlan.properties.targets.items.properties.timeoutS, 'targets[].timeoutS');

  it('the dialplan-wide ringing.defaultTargetTimeoutS, and its default within them', () => {
    const node = schema.properties.ringing.properties.defaultTargetTimeoutS;
    assert.deepEqual(bounds(node, 'ringing.defaultTargetTimeoutS'), target);
    assert.ok(node.default >= target.min && node.default <= target.max, `default ${node.default}`);
  });

  it("the control API's RingTarget.timeoutS in docs/openapi.yaml", () => {
    assert.deepEqual(bounds(openapi.components.schemas.RingTarget.properties.timeoutS, 'openapi RingTarget.timeoutS'), target);
  });
});
