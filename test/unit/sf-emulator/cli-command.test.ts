import assert from 'node:assert/strict';
import { Connection } from 'jsforce';
import { runSfEmulator } from '../../../src/sf-emulator/index.js';

/** Resolves once `text()` satisfies `done`, polling every 10 ms (up to 5 s). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error('condition not met in time');
}

describe('sf-emulator: bin/linegate sf-emulator (runSfEmulator)', () => {
  it('prints the URL and demo credentials, serves the seeded demo org, and stops on abort with exit code 0', async () => {
    let out = '';
    const stop = new AbortController();
    const exit = runSfEmulator(['--port', '0', '--index-lag-ms', '0'], { out: (t) => (out += t), err: (t) => (out += t), signal: stop.signal });
    await until(() => out.includes('Press Ctrl-C'));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(url, out);
    const username = /username\s+: (\S+)/.exec(out)?.[1];
    const password = /password\s+: (\S+)/.exec(out)?.[1];
    const token = /security token\s+: (\S+)/.exec(out)?.[1];
    assert.ok(username && password && token, out);
    try {
      const conn = new Connection({ loginUrl: url, version: '62.0' });
      await conn.login(username, password + token);
      const found = await conn.search('FIND {4155550101} IN PHONE FIELDS RETURNING Contact(Name, AccountId), Account(Name), Lead(Name)');
      assert.deepEqual(found.searchRecords.map((r) => r['Name']), ['Jane Doe']);
      const opp = await conn.query<{ Name: string }>("SELECT Name FROM Opportunity WHERE Name = 'Acme - 500 seats'");
      assert.equal(opp.totalSize, 1);
      const up = await conn.sobject('Task').upsert({ Linegate_Call_Key__c: 'demo:1', Subject: 'Inbound call from Jane Doe' }, 'Linegate_Call_Key__c');
      assert.equal(up.success, true);
    } finally {
      stop.abort();
    }
    assert.equal(await exit, 0);
    assert.ok(out.endsWith('sf-emulator stopped\n'));
  });

  it('seeds demo people a day old, so they are found even with the default 60 s index lag', async () => {
    let out = '';
    const stop = new AbortController();
    const exit = runSfEmulator([], { out: (t) => (out += t), signal: stop.signal });
    await until(() => out.includes('Press Ctrl-C'));
    assert.ok(out.includes('search index lag         : 60000 ms'));
    const url = /listening on (\S+)/.exec(out)![1]!;
    try {
      const conn = new Connection({ loginUrl: url, version: '62.0' });
      await conn.login('integration@linegate.demo', 'linegate-demoDEMOTOKEN0000');
      const found = await conn.search('FIND {6505550142} IN PHONE FIELDS RETURNING Lead(Name)');
      assert.deepEqual(found.searchRecords.map((r) => r['Name']), ['Pat Lee']);
    } finally {
      stop.abort();
    }
    assert.equal(await exit, 0);
  });

  it('refuses unknown options and bad numbers with exit code 2 and the usage', async () => {
    let err = '';
    assert.equal(await runSfEmulator(['--bogus'], { err: (t) => (err += t) }), 2);
    assert.match(err, /unknown option --bogus/);
    assert.match(err, /usage: linegate sf-emulator/);
    assert.equal(await runSfEmulator(['--port', '70000'], { err: (t) => (err += t) }), 2);
    assert.equal(await runSfEmulator(['--index-lag-ms'], { err: (t) => (err += t) }), 2);
    let help = '';
    assert.equal(await runSfEmulator(['--help'], { out: (t) => (help += t) }), 0);
    assert.match(help, /--index-lag-ms N/);
  });
});
