/**
 * Network input never throws: whatever a client sends, the emulator answers with a
 * Salesforce-shaped 4xx (or a success), never a 500 or an exception.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EmulatedOrg } from '../../../src/sf-emulator/emulated-org.js';
import { handleRequest } from '../../../src/sf-emulator/http-front.js';
import { parseSoql } from '../../../src/sf-emulator/soql-parser.js';
import { USER } from './sf-fixtures.js';

describe('sf-emulator: robustness against arbitrary input', () => {
  const org = new EmulatedOrg({ users: [USER], customFields: { Task: [{ name: 'Key__c', type: 'string', externalId: true, unique: true }] } });
  const token = org.sessions.issue(USER.username).token;
  const front = { org, baseUrl: () => 'http://127.0.0.1:1', countCall: () => undefined };
  const send = (method: string, url: string, body: string) => handleRequest(front, { method, url, authorization: `Bearer ${token}`, body });

  it('parseSoql returns a value for any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (q) => {
      const res = parseSoql(q);
      assert.equal(typeof res.ok, 'boolean');
    }), { numRuns: 500 });
  });

  it('queries and searches built from SOQL/SOSL fragments never fail with 5xx', () => {
    const word = fc.constantFrom('SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'IN', 'NOT', 'ORDER', 'BY', 'LIMIT', 'Id', 'Name', 'Task', 'Contact', '=', '!=', '(', ')', ',', "'x'", '5', 'null', 'FIND', '{415}', 'PHONE', 'FIELDS', 'RETURNING', '\\', '{', '}', '2024-01-01', 'DESC');
    fc.assert(fc.property(fc.array(word, { maxLength: 14 }), fc.boolean(), (words, search) => {
      const q = encodeURIComponent(words.join(' '));
      const reply = send('GET', `/services/data/v62.0/${search ? 'search' : 'query'}?q=${q}`, '');
      assert.ok(reply.status < 500, `${reply.status} for ${words.join(' ')}`);
    }), { numRuns: 400 });
  });

  it('arbitrary paths, methods and JSON bodies never fail with 5xx', () => {
    const segment = fc.constantFrom('sobjects', 'composite', 'query', 'search', 'limits', 'Task', 'Contact', 'describe', 'Key__c', '00T5e0000000001AAA', '%E0%A4%A', 'x');
    const json = fc.oneof(fc.json({ maxDepth: 3 }), fc.constant('{"records":[{"attributes":{"type":"Task"},"Key__c":"a"},{"attributes":{}}]}'), fc.constant('{"compositeRequest":[{"method":"GET","url":"/services/data/v62.0/@{a.b}","referenceId":"a"}]}'));
    fc.assert(fc.property(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), fc.array(segment, { maxLength: 5 }), json, (method, segments, body) => {
      const reply = send(method, `/services/data/v62.0/${segments.join('/')}`, body);
      assert.ok(reply.status < 500, `${method} ${segments.join('/')} ${body} → ${reply.status}`);
    }), { numRuns: 600 });
  });

  it('login endpoints answer garbage with 4xx or a SOAP fault, never an exception', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (body) => {
      assert.equal(handleRequest(front, { method: 'POST', url: '/services/oauth2/token', authorization: undefined, body }).status, 400);
      const soap = handleRequest(front, { method: 'POST', url: '/services/Soap/u/62.0', authorization: undefined, body });
      assert.ok(soap.status === 500 || soap.status === 200);
    }), { numRuns: 300 });
  });
});
