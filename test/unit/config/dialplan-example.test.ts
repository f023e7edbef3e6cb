import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { DEMO_SECRET_DEFAULTS, DIALPLAN_SCHEMA, Secret, formatDialplanErrors, loadDialplan, publishedDemoSecret, readDialplan } from '../../../src/config/index.js';
import type { Dialplan } from '../../../src/config/index.js';
import { ALICE, BOB, CARRIER, ENV, loaded, yamlOf } from './dialplan-fixtures.js';

const EXAMPLE = 'dialplans/example.yaml';

function loadExample(): Dialplan {
  const result = loadDialplan(EXAMPLE, { env: DEMO_SECRET_DEFAULTS });
  if (!result.ok) assert.fail(formatDialplanErrors(result.errors));
  return result.dialplan;
}

describe('dialplans/example.yaml', () => {
  it('loads with the demo secrets: alice 100 and bob 101, a trunk on 127.0.0.1, 911/933', () => {
    const d = loadExample();
    assert.equal(d.file, EXAMPLE);
    assert.deepEqual(d.users.map((u) => [u.id, u.extension, u.businessNumber, u.sip.username]), [
      ['alice', '100', '+14155550100', 'alice'],
      ['bob', '101', '+14155550101', 'bob'],
    ]);
    assert.equal(d.users[0]?.sip.password.reveal(), DEMO_SECRET_DEFAULTS.LINEGATE_DEMO_ALICE_PASSWORD);
    assert.equal(d.users[1]?.sip.password.reveal(), DEMO_SECRET_DEFAULTS.LINEGATE_DEMO_BOB_PASSWORD);
    assert.deepEqual(d.trunks.map((t) => [t.name, t.inbound?.sources.map((s) => s.cidr), t.outbound?.uri]), [
      ['carrier', ['127.0.0.1/32'], 'sip:127.0.0.1:5080'],
    ]);
    assert.deepEqual(d.emergency.numbers, ['911', '933']);
    assert.equal(d.emergency.trunk, 'carrier');
    // bob has no address of his own: he gets the default one, which emergency calls need.
    assert.equal(d.users[1]?.emergencyAddress?.postalCode, '94105');
  });

  it('turns the control API on with the demo token, which is printed only while it has the published value', () => {
    const d = loadExample();
    const token = d.controlApi?.token;
    assert.ok(token);
    assert.equal(token.envName, 'LINEGATE_DEMO_CONTROL_TOKEN');
    assert.equal(token.reveal(), DEMO_SECRET_DEFAULTS.LINEGATE_DEMO_CONTROL_TOKEN);
    assert.equal(publishedDemoSecret(token), 'linegate-demo-control-token');
    assert.equal(publishedDemoSecret(new Secret('LINEGATE_DEMO_CONTROL_TOKEN', 'a-token-set-by-the-operator')), undefined);
    assert.equal(publishedDemoSecret(new Secret('OTHER_TOKEN', 'linegate-demo-control-token')), undefined);
  });

  it('loads through readDialplan({ demo: true }) without any environment set up', () => {
    const result = readDialplan(EXAMPLE, { demo: true });
    assert.ok(result.ok, result.ok ? '' : formatDialplanErrors(result.errors));
  });

  it('readDialplan takes the environment it is given (startLineGate passes its env), over the demo defaults', () => {
    const result = readDialplan(EXAMPLE, { demo: true, env: { LINEGATE_DEMO_ALICE_PASSWORD: 'from-the-given-env' } });
    assert.ok(result.ok, result.ok ? '' : formatDialplanErrors(result.errors));
    const alice = result.dialplan.users.find((u) => u.id === 'alice');
    assert.equal(alice?.sip.password.reveal(), 'from-the-given-env');
    const bob = result.dialplan.users.find((u) => u.id === 'bob');
    assert.equal(bob?.sip.password.reveal(), DEMO_SECRET_DEFAULTS.LINEGATE_DEMO_BOB_PASSWORD, 'the rest keep their demo defaults');
  });

  it('has a demo default for every secret it refers to, documented in the example and in docs/dialplan.md', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    const docs = readFileSync('docs/dialplan.md', 'utf8');
    const names = [...text.matchAll(/^[^#\n]*\{ env: ([A-Z0-9_]+) \}/gm)].map((m) => m[1] as string);
    assert.deepEqual([...new Set(names)].sort(), Object.keys(DEMO_SECRET_DEFAULTS).sort());
    for (const [name, value] of Object.entries(DEMO_SECRET_DEFAULTS)) {
      assert.match(text, new RegExp(`\\$${name}\\s+\\(make run default: ${value}\\)`), `example.yaml documents ${name}`);
      assert.ok(docs.includes(`| \`${name}\` | \`${value}\` |`), `docs/dialplan.md documents ${name}`);
    }
  });

  it('is deep-frozen', () => {
    const d = loadExample();
    const user = d.users[0] as unknown as { extension: string; ringPlan: { targets: unknown[] } };
    assert.throws(() => { user.extension = '999'; }, TypeError);
    assert.throws(() => { user.ringPlan.targets.push({}); }, TypeError);
    assert.throws(() => { (d.registrar.algorithms as string[]).pop(); }, TypeError);
    assert.ok(Object.isFrozen(d.emergency.defaultAddress));
  });

  it('never shows a secret when logged as JSON or inspected', () => {
    const d = loadExample();
    const json = JSON.stringify(d);
    const shown = inspect(d, { depth: 10 });
    for (const value of Object.values(DEMO_SECRET_DEFAULTS)) {
      assert.ok(!json.includes(value), 'JSON holds no secret');
      assert.ok(!shown.includes(value), 'inspect shows no secret');
    }
    assert.ok(json.includes('"[secret from $LINEGATE_DEMO_ALICE_PASSWORD]"'));
    assert.ok(d.users[0]?.sip.password instanceof Secret);
    assert.equal(`${d.users[0]?.sip.password}`, '[secret from $LINEGATE_DEMO_ALICE_PASSWORD]');
  });
});

describe('dialplan schema', () => {
  it('ships an identical copy at dialplans/dialplan.schema.json for editors', () => {
    const shipped = JSON.parse(readFileSync('dialplans/dialplan.schema.json', 'utf8')) as unknown;
    const used = JSON.parse(readFileSync('src/config/dialplan/schema/dialplan.schema.json', 'utf8')) as unknown;
    assert.deepEqual(shipped, used, 'run: cp src/config/dialplan/schema/dialplan.schema.json dialplans/');
    assert.deepEqual(used, DIALPLAN_SCHEMA);
    assert.equal((used as { $schema: string }).$schema, 'https://json-schema.org/draft/2020-12/schema');
  });

  it('is what the example declares to editors', () => {
    assert.match(readFileSync('dialplans/example.yaml', 'utf8'), /^# yaml-language-server: \$schema=\.\/dialplan\.schema\.json$/m);
  });
});

describe('dialplan normalisation', () => {
  it('fills every default from the schema and the top-level settings', () => {
    const d = loaded(yamlOf({ users: [ALICE] }));
    assert.equal(d.drainTimeoutS, 30);
    assert.equal(d.controlApi, undefined);
    assert.equal(d.voicemail, undefined);
    assert.deepEqual(d.registrar, {
      minExpiresS: 60, maxExpiresS: 3600, defaultExpiresS: 600, nonceLifetimeS: 300,
      algorithms: ['MD5', 'SHA-256'], lockout: { maxFailures: 5, windowS: 300, durationS: 900 },
    });
    assert.deepEqual(d.limits, { concurrentCallsPerUser: 4, concurrentCallsPerTrunk: 100, maxCallDurationS: 14400 });
    const alice = d.users[0];
    assert.ok(alice);
    assert.equal(alice.sip.username, 'alice');
    assert.deepEqual(alice.ringPlan, { strategy: 'simultaneous', timeoutS: 30, targets: [{ type: 'Devices', timeoutS: 30 }] });
    assert.deepEqual(alice.forwarding, { always: undefined, busy: undefined, noAnswer: undefined, unreachable: undefined });
    assert.deepEqual(alice.voicemail, { enabled: false });
    assert.equal(alice.recording, 'never');
    assert.equal(alice.dnd, false);
    assert.deepEqual(alice.permissions, { international: false });
    assert.deepEqual(alice.limits, { concurrentCalls: 4 });
    assert.equal(alice.emergencyAddress, undefined);
    assert.equal(d.trunks[0]?.numberFormat, 'e164');
    assert.deepEqual(d.trunks[0]?.limits, { concurrentCalls: 100 });
    assert.deepEqual(d.emergency.notify, []);
  });

  it('normalises numbers to E.164 and resolves targets, forwarding, secrets and per-user limits', () => {
    const alice = ALICE +
      '    businessNumber: "(415) 555-0100"\n' +
      '    ringPlan:\n      strategy: sequential\n      timeoutS: 40\n' +
      '      targets:\n        - { to: devices, timeoutS: 15 }\n        - { to: "415.555.0199", confirm: true, timeoutS: 25 }\n' +
      '    forwarding: { busy: voicemail, noAnswer: "+44 20 7183 8750" }\n' +
      '    voicemail: { enabled: true, pin: { env: ALICE_PIN } }\n' +
      '    blockList: { numbers: ["4155550123"], prefixes: ["+1900"] }\n' +
      '    limits: { concurrentCalls: 2 }\n';
    const extra = 'voicemail: { serviceUri: "sip:vm@10.0.0.5:5070" }\ncontrolApi: { token: { env: CONTROL_TOKEN } }\nlimits: { concurrentCallsPerTrunk: 7 }\n';
    const trunk = CARRIER + '    numberFormat: national\n';
    const d = loaded(yamlOf({ users: [alice], trunks: [trunk], extra }));
    const u = d.users[0];
    assert.ok(u);
    assert.equal(u.businessNumber, '+14155550100');
    assert.deepEqual(u.ringPlan.targets, [
      { type: 'Devices', timeoutS: 15 },
      { type: 'Number', number: '+14155550199', timeoutS: 25, confirm: true, confirmTimeoutS: undefined },
    ]);
    assert.deepEqual(u.forwarding.busy, { type: 'Voicemail' });
    assert.deepEqual(u.forwarding.noAnswer, { type: 'Number', number: '+442071838750' });
    assert.ok(u.voicemail.enabled && u.voicemail.pin.reveal() === '4321');
    assert.deepEqual(u.blockList, { numbers: ['+14155550123'], prefixes: ['+1900'], anonymous: false });
    assert.deepEqual(u.limits, { concurrentCalls: 2 });
    assert.equal(d.controlApi?.token.reveal(), ENV.CONTROL_TOKEN);
    assert.equal(d.controlApi?.token.envName, 'CONTROL_TOKEN');
    assert.deepEqual(d.trunks[0]?.limits, { concurrentCalls: 7 });
    assert.equal(d.trunks[0]?.numberFormat, 'national');
  });

  it('parses IPv4 and IPv6 sources and blocks, resolves trunk credentials and notify targets', () => {
    const trunk = '  - name: carrier\n    inbound: { sources: ["203.0.113.0/24", "2001:DB8::/32", "::1"] }\n' +
      '    outbound: { uri: "sips:sip.carrier.example;transport=tls", auth: { username: acct-1, password: { env: CARRIER_PW } } }\n';
    const emergency = 'emergency:\n  numbers: ["911"]\n  trunk: carrier\n  notify:\n    - sip: "sip:desk@pbx.example.com"\n    - webhook: "https://alerts.example.com/e"\n';
    const d = loaded(yamlOf({ trunks: [trunk], emergency }));
    assert.deepEqual(d.trunks[0]?.inbound?.sources, [
      { cidr: '203.0.113.0/24', address: '203.0.113.0', prefixLength: 24, family: 4 },
      { cidr: '2001:db8::/32', address: '2001:db8::', prefixLength: 32, family: 6 },
      { cidr: '::1/128', address: '::1', prefixLength: 128, family: 6 },
    ]);
    assert.equal(d.trunks[0]?.outbound?.auth?.username, 'acct-1');
    assert.equal(d.trunks[0]?.outbound?.auth?.password.reveal(), 'carrier-pw');
    assert.deepEqual(d.emergency.notify, [
      { type: 'SipMessage', uri: 'sip:desk@pbx.example.com' },
      { type: 'Webhook', url: 'https://alerts.example.com/e' },
    ]);
  });

  it('accepts YAML anchors, aliases and merge keys', () => {
    const alice = ALICE + '    emergencyAddress: &hq\n      street: 1 Main St\n      city: Austin\n      region: TX\n      postalCode: "78701"\n      country: US\n';
    const bob = BOB + '    emergencyAddress:\n      <<: *hq\n      unit: Suite 200\n';
    const d = loaded(yamlOf({ users: [alice, bob] }));
    assert.deepEqual(d.users[1]?.emergencyAddress, { street: '1 Main St', unit: 'Suite 200', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' });
    assert.equal(d.users[0]?.emergencyAddress?.unit, undefined);
  });
});
