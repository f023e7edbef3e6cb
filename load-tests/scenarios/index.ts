/**
 * The scenario table: `npm run load -- <name>`. A new scenario is a `Scenario` object
 * (lib/scenario-types.ts) added here; its `setup` starts the system under test.
 */
import type { Scenario } from '../lib/index.js';
import { direct } from './direct.js';
import { drachtioB2bua } from './drachtio-b2bua.js';
import { engineB2bua } from './engine-b2bua.js';
import { trunkUsers, trunkUsersInline, trunkUsersSplit } from './trunk-users.js';

export const SCENARIOS: readonly Scenario[] = [direct, drachtioB2bua, engineB2bua, trunkUsers, trunkUsersInline, trunkUsersSplit];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
