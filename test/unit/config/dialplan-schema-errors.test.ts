/**
 * The first pass: YAML syntax and schema violations, one test per kind of mistake, each
 * asserting the exact line printed at start (file, path, what is wrong, the fix).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDialplanErrors, loadDialplan } from '../../../src/config/index.js';
import { ALICE, BOB, CARRIER, EMERGENCY, FILE, TOP, errorLines, parse, yamlOf } from './dialplan-fixtures.js';

describe('dialplan YAML syntax errors', () => {
  it('gives the line and column of a tab used as indentation', () => {
    assert.deepEqual(errorLines('version: 1\ndomain: x\n\tdefaultCountry: US\n'), [
      `${FILE}: line 3, column 1: YAML: Tabs are not allowed as indentation — fix: indent with spaces, not tabs`,
    ]);
  });

  it('names a key written twice in one mapping', () => {
    assert.deepEqual(errorLines(`${TOP}users:\n  - id: alice\n    id: bob\n`), [
      `${FILE}: line 6, column 5: key "id" appears twice in the same mapping — fix: keep only one of them`,
    ]);
  });

  it('reports an unclosed quote', () => {
    assert.deepEqual(errorLines('version: 1\ndomain: "pbx.example.com\n'), [
      `${FILE}: line 3, column 1: YAML: Missing closing "quote — fix: add the missing character (an unclosed quote or bracket starts earlier)`,
    ]);
  });

  it('rejects tags, which the yaml package would only warn about', () => {
    assert.deepEqual(errorLines(`${TOP}drainTimeoutS: !!js/function "f"\n`), [
      `${FILE}: line 4, column 16: YAML: Unresolved tag: tag:yaml.org,2002:js/function — fix: remove the tag: dialplans are plain YAML (strings, numbers, booleans, lists, mappings)`,
    ]);
  });

  it('rejects a second document in the file', () => {
    assert.deepEqual(errorLines(`${TOP}---\nversion: 1\n`), [
      `${FILE}: line 4, column 1: YAML: Source contains multiple documents; please use YAML.parseAllDocuments() — fix: keep one document per file: remove the second --- and what follows, or move it to its own file`,
    ]);
  });

  it('rejects an alias to an anchor defined later, and an alias inside its own anchor, without throwing', () => {
    assert.deepEqual(errorLines('a: *later\nb: &later 1\n'), [
      `${FILE}: line 1, column 4: YAML: the alias *later has no anchor &later before it — fix: define the anchor (&name) before using the alias (*name)`,
    ]);
    assert.deepEqual(errorLines('a: &loop [1, *loop]\n'), [
      `${FILE}: line 1, column 14: YAML: the alias *loop is inside its own anchor — fix: an anchored node (&name) must not contain its own alias (*name)`,
    ]);
  });
});

describe('dialplan file errors', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'linegate-dialplan-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names a file that does not exist, and a directory given as a file', () => {
    const missing = join(dir, 'nope.yaml');
    const r1 = loadDialplan(missing, { env: {} });
    assert.ok(!r1.ok);
    assert.equal(formatDialplanErrors(r1.errors), `${missing}: the file does not exist — fix: give the path of a dialplan YAML file, e.g. dialplans/example.yaml`);
    const r2 = loadDialplan(dir, { env: {} });
    assert.ok(!r2.ok);
    assert.equal(formatDialplanErrors(r2.errors), `${dir}: this is a directory — fix: give the path of a dialplan YAML file, e.g. dialplans/example.yaml`);
  });

  it('says so when the file is empty or not a mapping', () => {
    const fix = 'start from dialplans/example.yaml: the top level is a mapping with version, domain, defaultCountry, users, trunks and emergency';
    assert.deepEqual(errorLines(''), [`${FILE}: the file is empty — fix: ${fix}`]);
    assert.deepEqual(errorLines('- a\n- b\n'), [`${FILE}: the file holds a list, not a mapping of keys — fix: ${fix}`]);
  });
});

describe('dialplan schema errors', () => {
  it('rejects an unknown key with a "did you mean" for a typo', () => {
    assert.deepEqual(errorLines(yamlOf({ users: [`${ALICE}    ringplan: { timeoutS: 20 }\n`] })), [
      `${FILE}: users[0].ringplan: unknown key "ringplan" — fix: did you mean "ringPlan"? keys allowed here: id, displayName, businessNumber, extension, sip, ringPlan, forwarding, dnd, blockList, voicemail, recording, permissions, limits, emergencyAddress, salesforceUserId`,
    ]);
  });

  it('rejects an unknown key that resembles nothing, listing the keys allowed', () => {
    assert.deepEqual(errorLines(yamlOf({ extra: 'registrar:\n  colour: blue\n' })), [
      `${FILE}: registrar.colour: unknown key "colour" — fix: remove it; keys allowed here: minExpiresS, maxExpiresS, defaultExpiresS, nonceLifetimeS, algorithms, lockout`,
    ]);
  });

  it('names a missing required key and shows what to add', () => {
    assert.deepEqual(errorLines(yamlOf({ users: ['  - id: alice\n    sip: { password: { env: ALICE_PW } }\n'] })), [
      `${FILE}: users[0].extension: required key "extension" is missing — fix: add it, e.g. extension: "100"; internal short number, 2 to 6 digits, quoted`,
    ]);
  });

  it('asks to quote a phone number or extension that YAML read as a number', () => {
    assert.deepEqual(errorLines(yamlOf({ users: ['  - id: alice\n    extension: 100\n    businessNumber: +14155550100\n    sip: { password: { env: ALICE_PW } }\n'] })), [
      `${FILE}: users[0].extension: 100 is read by YAML as the number 100, but text is expected — fix: quote it so YAML keeps it as written: extension: "100"`,
      `${FILE}: users[0].businessNumber: +14155550100 is read by YAML as the number 14155550100, but text is expected — fix: quote it so YAML keeps it as written: businessNumber: "+14155550100"`,
    ]);
  });

  it('names the expected type, with an example', () => {
    assert.deepEqual(errorLines(yamlOf({ users: [`${ALICE}    ringPlan: { timeoutS: thirty }\n    dnd: "yes"\n`] })), [
      `${FILE}: users[0].ringPlan.timeoutS: "thirty" is not a whole number — fix: write a whole number, e.g. timeoutS: 30; overall ringing time before noAnswer forwarding applies`,
      `${FILE}: users[0].dnd: "yes" is not true or false — fix: write true or false, e.g. dnd: false; do-not-disturb at start (the user can toggle it later): calls go straight to busy forwarding`,
    ]);
  });

  it('lists the allowed values of an enum, with a "did you mean"', () => {
    assert.deepEqual(errorLines(yamlOf({ users: [`${ALICE}    ringPlan: { strategy: sequental }\n`] })), [
      `${FILE}: users[0].ringPlan.strategy: "sequental" is not one of simultaneous, sequential — fix: did you mean "sequential"? use one of: simultaneous, sequential`,
    ]);
  });

  it('gives the allowed range of a number, in seconds for durations', () => {
    const user = `${ALICE}    ringPlan:\n      targets:\n        - { to: devices, timeoutS: 2 }\n`;
    assert.deepEqual(errorLines(yamlOf({ users: [BOB, user], extra: 'limits: { maxCallDurationS: 99999999 }\n' })), [
      `${FILE}: users[1].ringPlan.targets[0].timeoutS: 2 is below the minimum 5 — fix: use a value from 5 to 600 (seconds)`,
      `${FILE}: limits.maxCallDurationS: 99999999 is above the maximum 604800 — fix: use a value from 60 to 604800 (seconds)`,
    ]);
  });

  it('shows the expected form of a value that does not match its pattern', () => {
    assert.deepEqual(errorLines(yamlOf({ users: ['  - id: Alice\n    extension: "10a"\n    sip: { password: { env: ALICE_PW } }\n'] })), [
      `${FILE}: users[0].id: "Alice" is not in the expected form — fix: correct it, e.g. id: alice; stable identifier (lower case letters, digits, . _ -); used in logs, events and the control API`,
      `${FILE}: users[0].extension: "10a" is not in the expected form — fix: correct it, e.g. extension: "100"; internal short number, 2 to 6 digits, quoted`,
    ]);
  });

  it('refuses a secret written in the file, without repeating it', () => {
    const lines = errorLines(yamlOf({ users: ['  - id: alice\n    extension: "100"\n    sip: { password: "hunter2-hunter2" }\n'] }));
    assert.deepEqual(lines, [
      `${FILE}: users[0].sip.password: a secret is written in the file — fix: put it in an environment variable and refer to it: password: { env: ALICE_SIP_PASSWORD }`,
    ]);
    assert.ok(!lines.join('').includes('hunter2'));
  });

  it('refuses an unsupported format version', () => {
    assert.deepEqual(errorLines(yamlOf({ top: 'version: 2\ndomain: pbx.example.com\ndefaultCountry: US\n' })), [
      `${FILE}: version: 2 is not supported — fix: write version: 1`,
    ]);
  });

  it('reports a value listed twice, and a notify entry with two kinds of target', () => {
    const emergency = 'emergency:\n  numbers: ["911", "933", "911"]\n  trunk: carrier\n  notify:\n    - { sip: "sip:desk@pbx.example.com", webhook: "https://x.example.com" }\n';
    assert.deepEqual(errorLines(yamlOf({ emergency })), [
      `${FILE}: emergency.numbers[2]: "911" is listed twice (also at [0]) — fix: remove one of them`,
      `${FILE}: emergency.notify[0]: has more than 1 key — fix: write exactly one of: sip, webhook`,
    ]);
  });

  it('reports every schema error of the file at once, in file order, and skips the second pass', () => {
    const text = yamlOf({
      top: 'version: 1\ndomain: pbx.example.com\ndefaultCountry: XX\nusers:\n',
      users: [],
      trunks: [CARRIER],
      emergency: `${EMERGENCY}  notify: [{}]\n`,
      extra: 'drainTimeoutS: -1\n',
    }).replace('users:\n', 'users:\n  - { id: alice, extension: "1", sip: { password: { env: ALICE_PW } } }\n');
    const lines = errorLines(text);
    assert.deepEqual(lines.map((l) => l.split(':')[1]?.trim()), ['users[0].extension', 'emergency.notify[0]', 'drainTimeoutS']);
    // defaultCountry XX is a second-pass error: not reported until the schema errors are fixed.
    assert.ok(!lines.some((l) => l.includes('defaultCountry')));
  });

  it('keeps positions: each error carries the line and column of its node', () => {
    const result = parse(yamlOf({ users: [ALICE, `${BOB}    recording: sometimes\n`] }));
    assert.ok(!result.ok);
    assert.deepEqual(result.errors.map((e) => [e.path, e.line, e.column]), [['users[1].recording', 11, 16]]);
  });
});
