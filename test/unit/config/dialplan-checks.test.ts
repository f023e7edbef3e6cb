/**
 * The second pass: what the schema cannot check (uniqueness, references, number
 * validity, environment secrets, loops), one test per kind of mistake, each asserting
 * the exact line printed at start.
 */
import assert from 'node:assert/strict';
import { ALICE, BOB, CARRIER, EMERGENCY, ENV, FILE, TOP, errorLines, loaded, yamlOf } from './dialplan-fixtures.js';

const alice = (more: string): string => `${ALICE}${more}`;

describe('dialplan checks: phone numbers', () => {
  it('rejects a number that is not valid E.164', () => {
    assert.deepEqual(errorLines(yamlOf({ users: [ALICE, `${BOB}    businessNumber: "+1415555"\n`] })), [
      `${FILE}: users[1].businessNumber: "+1415555" is not a valid E.164 number — fix: write the number in E.164 form, e.g. +14155550100`,
    ]);
  });

  it('checks every number field: ring targets, forwarding, block lists', () => {
    const more = '    ringPlan: { targets: [{ to: devices }, { to: "12" }] }\n    forwarding: { busy: "+999" }\n    blockList: { numbers: ["+44 20 7183 875"] }\n';
    assert.deepEqual(errorLines(yamlOf({ users: [alice(more)] })), [
      `${FILE}: users[0].ringPlan.targets[1].to: "12" is not a valid E.164 number — fix: write the number in E.164 form, e.g. +14155550100`,
      `${FILE}: users[0].forwarding.busy: "+999" is not a valid E.164 number — fix: write the number in E.164 form, e.g. +14155550100`,
      `${FILE}: users[0].blockList.numbers[0]: "+44 20 7183 875" is not a valid E.164 number — fix: write the number in E.164 form, e.g. +14155550100`,
    ]);
  });

  it('reads national numbers in defaultCountry, and rejects a country libphonenumber-js does not know', () => {
    const gb = loaded(yamlOf({ top: 'version: 1\ndomain: pbx.example.com\ndefaultCountry: GB\n', users: [alice('    businessNumber: "020 7183 8750"\n')] }));
    assert.equal(gb.users[0]?.businessNumber, '+442071838750');
    assert.deepEqual(errorLines(yamlOf({ top: 'version: 1\ndomain: pbx.example.com\ndefaultCountry: XX\n' })), [
      `${FILE}: defaultCountry: "XX" is not a country libphonenumber-js knows — fix: use an ISO 3166-1 alpha-2 code, e.g. US, GB, DE`,
    ]);
  });
});

describe('dialplan checks: uniqueness', () => {
  it('rejects a duplicate user id, extension and SIP username, naming the first holder', () => {
    const carol = '  - id: alice\n    extension: "101"\n    sip: { username: bob, password: { env: BOB_PW } }\n';
    const bobAsUser = '  - id: bob\n    extension: "102"\n    sip: { password: { env: BOB_PW } }\n';
    assert.deepEqual(errorLines(yamlOf({ users: [ALICE, bobAsUser, carol] })), [
      `${FILE}: users[2].id: "alice" is already the id of users[0] (alice) — fix: give each user a different id`,
      `${FILE}: users[2].sip.username: "bob" is already the SIP username of users[1] (bob) — fix: give each user a different SIP username`,
    ]);
    assert.deepEqual(errorLines(yamlOf({ users: [ALICE, BOB.replace('"101"', '"100"')] })), [
      `${FILE}: users[1].extension: "100" is already the extension of users[0] (alice) — fix: give each user a different extension`,
    ]);
  });

  it('compares business numbers after normalisation', () => {
    const users = [alice('    businessNumber: "+14155550100"\n'), `${BOB}    businessNumber: "(415) 555-0100"\n`];
    assert.deepEqual(errorLines(yamlOf({ users })), [
      `${FILE}: users[1].businessNumber: "+14155550100" is already the business number of users[0] (alice) — fix: give each user a different business number`,
    ]);
  });

  it('rejects a duplicate trunk name and a source shared by two trunks', () => {
    const other = '  - name: carrier\n    inbound: { sources: ["10.0.0.0/8", "127.0.0.1/32"] }\n';
    assert.deepEqual(errorLines(yamlOf({ trunks: [CARRIER, other] })), [
      `${FILE}: trunks[1].name: "carrier" is already the name of trunks[0] — fix: give each trunk a different name`,
      `${FILE}: trunks[1].inbound.sources[1]: 127.0.0.1/32 is already a source in trunks[0] — fix: list each source once: calls from it must map to a single trunk`,
    ]);
  });
});

describe('dialplan checks: references and trunks', () => {
  it('rejects an emergency trunk that does not exist, with a "did you mean"', () => {
    assert.deepEqual(errorLines(yamlOf({ emergency: 'emergency:\n  numbers: ["911"]\n  trunk: carier\n' })), [
      `${FILE}: emergency.trunk: no trunk is named "carier" — fix: did you mean "carrier"? use one of the trunk names: carrier`,
    ]);
    assert.deepEqual(errorLines(yamlOf({ trunks: [] })), [
      `${FILE}: emergency.trunk: no trunk is named "carrier" — fix: add a trunk under trunks: and name it here`,
    ]);
  });

  it('rejects an emergency trunk that cannot send calls, and a trunk with no direction', () => {
    assert.deepEqual(errorLines(yamlOf({ trunks: ['  - name: carrier\n    inbound: { sources: ["127.0.0.1"] }\n', '  - name: idle\n'] })), [
      `${FILE}: trunks[1]: trunk "idle" has neither inbound nor outbound — fix: add inbound.sources (where the carrier sends calls from) and/or outbound.uri (where calls to it go)`,
      `${FILE}: emergency.trunk: trunk "carrier" has no outbound.uri, so emergency calls could not leave through it — fix: add outbound.uri to trunk "carrier", or name a trunk that has one`,
    ]);
  });

  it('rejects source addresses that are not addresses or CIDR blocks', () => {
    const trunk = '  - name: carrier\n    inbound: { sources: ["10.0.0.300", "[::1]", "10.0.0.0/33", "fe80::1%eth0", "10.0.0.0/x"] }\n    outbound: { uri: "sip:127.0.0.1" }\n';
    const fix = 'fix: write an address or a block, e.g. 203.0.113.10, 203.0.113.0/24 or 2001:db8::/32';
    assert.deepEqual(errorLines(yamlOf({ trunks: [trunk] })), [
      `${FILE}: trunks[0].inbound.sources[0]: "10.0.0.300" is not an IP address or CIDR block: it is neither an IPv4 nor an IPv6 address — ${fix}`,
      `${FILE}: trunks[0].inbound.sources[1]: "[::1]" is not an IP address or CIDR block: IPv6 addresses are written without brackets — ${fix}`,
      `${FILE}: trunks[0].inbound.sources[2]: "10.0.0.0/33" is not an IP address or CIDR block: the prefix length must be a number from 0 to 32 — ${fix}`,
      `${FILE}: trunks[0].inbound.sources[3]: "fe80::1%eth0" is not an IP address or CIDR block: a zone index (%eth0) cannot be used — ${fix}`,
      `${FILE}: trunks[0].inbound.sources[4]: "10.0.0.0/x" is not an IP address or CIDR block: the prefix length must be a number from 0 to 32 — ${fix}`,
    ]);
  });

  it('rejects SIP URIs that do not parse, never echoing one with a password', () => {
    const trunk = (uri: string): string => `  - name: carrier\n    outbound: { uri: "${uri}" }\n`;
    const fix = 'fix: write sip:[user@]host[:port][;param=value], e.g. sip:voicemail@127.0.0.1:5070';
    const cases: Array<[string, string]> = [
      ['sip:', '"sip:" is not a valid SIP URI: the host is missing'],
      ['sip:10.0.0.1:70000', '"sip:10.0.0.1:70000" is not a valid SIP URI: the port "70000" is not a number from 1 to 65535'],
      ['sip:a b@host', '"sip:a b@host" is not a valid SIP URI: the user part is empty or has characters that must be %-escaped'],
      ['sip:host_name.example', '"sip:host_name.example" is not a valid SIP URI: "host_name.example" is not a host name or IP address'],
      ['sip:[::g]', '"sip:[::g]" is not a valid SIP URI: "[::g]" is not a host name or IP address'],
      ['sip:host;a=b c', '"sip:host;a=b c" is not a valid SIP URI: the parameter ";a=b c" is not well formed'],
      ['sip:acct:s3cret@carrier.example', 'a value with credentials in it is not a valid SIP URI: it carries a password (user:password@); credentials never go in URIs'],
    ];
    for (const [uri, message] of cases) {
      assert.deepEqual(errorLines(yamlOf({ trunks: [trunk(uri)] })), [`${FILE}: trunks[0].outbound.uri: ${message} — ${fix}`], uri);
    }
    for (const uri of ['sip:127.0.0.1:5080', 'sips:carrier.example;transport=tls', 'sip:+14155550100@[2001:db8::1]:5061;user=phone', 'SIP:trunk.example.']) {
      assert.equal(loaded(yamlOf({ trunks: [trunk(uri)] })).trunks[0]?.outbound?.uri, uri);
    }
  });

  it('rejects emergency webhooks that are not https or carry credentials, without echoing them', () => {
    const emergency = `${EMERGENCY}  notify:\n    - webhook: "http://alerts.example.com"\n    - webhook: "https://u:pw@alerts.example.com"\n    - webhook: "not a url"\n`;
    const fix = 'fix: write an https URL without credentials, e.g. https://alerts.example.com/linegate/emergency';
    const lines = errorLines(yamlOf({ emergency }));
    assert.deepEqual(lines, [
      `${FILE}: emergency.notify[0].webhook: the webhook URL is not usable: it must use https — ${fix}`,
      `${FILE}: emergency.notify[1].webhook: the webhook URL is not usable: it carries credentials (user:password@) — ${fix}`,
      `${FILE}: emergency.notify[2].webhook: the webhook URL is not usable: it is not a URL — ${fix}`,
    ]);
    assert.ok(!lines.join('').includes('pw@'));
  });
});

describe('dialplan checks: secrets from the environment', () => {
  it('names a missing or empty environment variable', () => {
    const env = { ...ENV, BOB_PW: '' } as Record<string, string | undefined>;
    delete env.ALICE_PW;
    assert.deepEqual(errorLines(yamlOf(), env), [
      `${FILE}: users[0].sip.password: environment variable ALICE_PW is not set — fix: set ALICE_PW in linegate's environment (export ALICE_PW=...), or change env: to a variable that is set`,
      `${FILE}: users[1].sip.password: environment variable BOB_PW is set but empty — fix: set BOB_PW in linegate's environment (export BOB_PW=...), or change env: to a variable that is set`,
    ]);
  });

  it('checks the strength of passwords, PINs and tokens without showing them', () => {
    const env = { ...ENV, ALICE_PW: 'short', ALICE_PIN: '12ab', CONTROL_TOKEN: 'tiny' };
    const more = '    voicemail: { enabled: true, pin: { env: ALICE_PIN } }\n';
    const extra = 'voicemail: { serviceUri: "sip:vm@127.0.0.1" }\ncontrolApi: { token: { env: CONTROL_TOKEN } }\n';
    const lines = errorLines(yamlOf({ users: [alice(more)], extra }), env);
    assert.deepEqual(lines, [
      `${FILE}: users[0].sip.password: the value of ALICE_PW is not acceptable: it must be at least 8 characters — fix: set ALICE_PW to a value of at least 8 characters`,
      `${FILE}: users[0].voicemail.pin: the value of ALICE_PIN is not acceptable: it must be 4 to 10 digits — fix: set ALICE_PIN to a value of 4 to 10 digits`,
      `${FILE}: controlApi.token: the value of CONTROL_TOKEN is not acceptable: it must be at least 16 characters — fix: set CONTROL_TOKEN to a value of at least 16 characters`,
    ]);
    for (const secret of ['short', '12ab', 'tiny']) assert.ok(!lines.join('\n').includes(`${secret} `) && !lines.join('').includes(`"${secret}"`));
  });

  it('resolves trunk credentials from the environment too', () => {
    const trunk = `${CARRIER}    `.replace('outbound: { uri: "sip:127.0.0.1:5080" }', 'outbound: { uri: "sip:127.0.0.1:5080", auth: { username: acct, password: { env: NO_SUCH_VAR } } }');
    assert.deepEqual(errorLines(yamlOf({ trunks: [trunk.trimEnd() + '\n'] })), [
      `${FILE}: trunks[0].outbound.auth.password: environment variable NO_SUCH_VAR is not set — fix: set NO_SUCH_VAR in linegate's environment (export NO_SUCH_VAR=...), or change env: to a variable that is set`,
    ]);
  });
});

describe('dialplan checks: users, ring plans and forwarding', () => {
  it('rejects voicemail forwarding for a user without a box, and a box without a service or PIN', () => {
    assert.deepEqual(errorLines(yamlOf({ users: [alice('    forwarding: { noAnswer: voicemail }\n'), `${BOB}    voicemail: { enabled: true }\n`] })), [
      `${FILE}: users[0].forwarding.noAnswer: forwards to voicemail, but this user has no voicemail box — fix: set voicemail: { enabled: true, pin: { env: NAME } } for this user, or forward to a number`,
      `${FILE}: users[1].voicemail.pin: voicemail is enabled but has no PIN — fix: add pin: { env: NAME } naming an environment variable that holds 4 to 10 digits`,
      `${FILE}: users[1].voicemail.enabled: voicemail is enabled, but the dialplan has no voicemail service — fix: add voicemail: { service: internal } (linegate records voicemail itself) or voicemail: { serviceUri: sip:voicemail@HOST } at the top level of the file, or set enabled: false`,
    ]);
  });

  it('rejects a ring target or forwarding rule that would ring the user again', () => {
    const more = '    businessNumber: "+14155550100"\n    ringPlan: { targets: [{ to: devices }, { to: "4155550100" }] }\n    forwarding: { unreachable: "+1 415 555 0100" }\n';
    assert.deepEqual(errorLines(yamlOf({ users: [alice(more)] })), [
      `${FILE}: users[0].ringPlan.targets[1].to: +14155550100 is this user's own business number, so the call would ring the user again — fix: use to: devices for the user's phones, or another number`,
      `${FILE}: users[0].forwarding.unreachable: +14155550100 is this user's own business number, so the call would be forwarded in a loop — fix: forward to voicemail or to another number`,
    ]);
  });

  it('rejects a sequential target that would start after the plan has timed out', () => {
    const more = '    ringPlan:\n      strategy: sequential\n      timeoutS: 30\n      targets:\n        - { to: devices, timeoutS: 20 }\n        - { to: "+14155550199", timeoutS: 10 }\n        - { to: "+14155550198" }\n';
    assert.deepEqual(errorLines(yamlOf({ users: [alice(more)] })), [
      `${FILE}: users[0].ringPlan.targets[2]: never rings: the targets before it ring for 30 s and ringPlan.timeoutS is 30 — fix: raise ringPlan.timeoutS, shorten the earlier targets' timeoutS, or remove this target`,
    ]);
  });

  it('rejects confirm on the user\'s own devices', () => {
    assert.deepEqual(errorLines(yamlOf({ users: [alice('    ringPlan: { targets: [{ to: devices, confirm: true }] }\n')] })), [
      `${FILE}: users[0].ringPlan.targets[0].confirm: confirm applies to phone numbers, not to the user's own devices — fix: remove confirm from this target`,
    ]);
  });
});

describe('dialplan checks: emergency and limits', () => {
  it('rejects an extension that is an emergency number', () => {
    assert.deepEqual(errorLines(yamlOf({ users: [ALICE.replace('"100"', '"911"')] })), [
      `${FILE}: users[0].extension: "911" is an emergency number — fix: choose another extension: dialling it must reach emergency services`,
    ]);
  });

  it('rejects a blocked outbound prefix that covers an emergency number', () => {
    const extra = 'outbound:\n  blockedPrefixes:\n    - { prefix: "+1900", reason: premium rate }\n    - { prefix: "9", reason: oops }\n';
    assert.deepEqual(errorLines(yamlOf({ extra })), [
      `${FILE}: outbound.blockedPrefixes[1].prefix: "9" would block emergency numbers 911, 933 — fix: emergency calls are never blocked: narrow the prefix so that it does not cover an emergency number`,
    ]);
  });

  it('checks civic addresses: country code, and postal code and region forms where known', () => {
    const emergency = `${EMERGENCY}  defaultAddress: { street: 1 Main St, city: Austin, region: Texas, postalCode: "787", country: US }\n`;
    const more = '    emergencyAddress: { street: 1 Main St, city: Nowhere, region: X, postalCode: "1", country: QQ }\n';
    assert.deepEqual(errorLines(yamlOf({ users: [alice(more)], emergency })), [
      `${FILE}: users[0].emergencyAddress.country: "QQ" is not a country code — fix: use an ISO 3166-1 alpha-2 code, e.g. US, CA, GB, DE`,
      `${FILE}: emergency.defaultAddress.region: "Texas" is not a US state code — fix: use the two-letter USPS code, e.g. CA, NY, TX`,
      `${FILE}: emergency.defaultAddress.postalCode: "787" is not a US postal code — fix: write it like 94105 or 94105-1234`,
    ]);
  });

  it('rejects registrar expiry settings out of order', () => {
    assert.deepEqual(errorLines(yamlOf({ extra: 'registrar: { minExpiresS: 600, maxExpiresS: 300 }\n' })), [
      `${FILE}: registrar.minExpiresS: minExpiresS (600) is greater than maxExpiresS (300) — fix: make minExpiresS ≤ defaultExpiresS ≤ maxExpiresS`,
    ]);
    assert.deepEqual(errorLines(yamlOf({ extra: 'registrar: { defaultExpiresS: 7200 }\n' })), [
      `${FILE}: registrar.defaultExpiresS: defaultExpiresS (7200) is outside minExpiresS..maxExpiresS (60..3600) — fix: use a value from 60 to 3600`,
    ]);
  });

  it('reports every second-pass error of the file at once, in file order', () => {
    const users = [alice('    businessNumber: "+1"\n'), BOB.replace('"101"', '"100"')];
    const lines = errorLines(yamlOf({ top: TOP.replace('US', 'ZZ'), users, emergency: 'emergency:\n  numbers: ["911"]\n  trunk: nope\n' }));
    assert.deepEqual(lines.map((l) => l.split(': ')[1]), ['defaultCountry', 'users[0].businessNumber', 'users[1].extension', 'emergency.trunk']);
  });
});
