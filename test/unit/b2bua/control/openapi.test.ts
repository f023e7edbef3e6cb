import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { OPENAPI_PATH } from '../../../../src/b2bua/index.js';
import { errorOf, startHarness } from './control-fixtures.js';
import type { Harness } from './control-fixtures.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string }; examples?: Record<string, { value: unknown }> }> }; responses: Record<string, unknown> }>>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const SAMPLE_PARAMS: Record<string, string> = { userId: 'alice', callId: 'c2c-1', entry: '%2B1900', messageId: 'm-1', action: 'start' };

async function loadDoc(): Promise<Doc> {
  return parse(await readFile(OPENAPI_PATH, 'utf8')) as Doc;
}

function operations(doc: Doc): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
}

function compile(doc: Doc): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ ...doc, $id: 'urn:test:openapi' });
  return ajv;
}

describe('control API: OpenAPI document', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  it('describes exactly the routes the server has', async () => {
    const doc = await loadDoc();
    assert.equal(doc.openapi, '3.1.0');
    const served = h.server.routeTable().map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(served, operations(doc).sort());
  });

  it('is answered (not 404/405 for the route) by the running server for every documented operation', async () => {
    const doc = await loadDoc();
    for (const op of operations(doc)) {
      const [method = '', template = ''] = op.split(' ');
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? name);
      const reply = await h.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      if (reply.status >= 400) assert.ok(!['ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED'].includes(errorOf(reply).code), `${op}: ${JSON.stringify(reply.body)}`);
    }
    const unknown = await h.request('GET', '/users/alice/faxes');
    assert.equal(errorOf(unknown).code, 'ROUTE_NOT_FOUND');
  });

  it('has example requests that validate against their schemas and pass the server\'s validation', async () => {
    const doc = await loadDoc();
    const ajv = compile(doc);
    let examples = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const content = op.requestBody?.content['application/json'];
        if (!content) continue;
        assert.ok(content.examples && Object.keys(content.examples).length > 0, `${method} ${path} has no example`);
        const check = ajv.getSchema(`urn:test:openapi${content.schema.$ref}`);
        assert.ok(check, `${content.schema.$ref} compiles`);
        for (const [name, example] of Object.entries(content.examples)) {
          examples++;
          assert.ok(check(example.value), `${method} ${path} example ${name}: ${JSON.stringify(check.errors)}`);
          // The server's own validation agrees: at worst a state answer (409 stale version), never 400.
          const url = path.replace(/\{(\w+)\}/g, (_, p: string) => SAMPLE_PARAMS[p] ?? p);
          const reply = await h.request(method.toUpperCase(), url, example.value);
          assert.ok(reply.status !== 400 && reply.status !== 415, `${method} ${path} example ${name} refused: ${JSON.stringify(reply.body)}`);
        }
      }
    }
    assert.ok(examples >= 11, `only ${examples} examples`);
    const bad = ajv.getSchema('urn:test:openapi#/components/schemas/DndUpdate');
    assert.equal(bad?.({ enabled: 'yes', version: 0 }), false, 'the schemas can reject');
  });

  it('describes the server\'s answers: GET responses validate against the documented 200 schemas', async () => {
    const doc = await loadDoc();
    const ajv = compile(doc);
    await h.request('POST', '/calls/none/notes', { userId: 'alice', text: 'x' });
    await h.store.pushRecentCall('alice', { callId: 'k', direction: 'outbound', from: 'a', to: 'b', startedAt: '2024-05-01T11:59:00.000Z' });
    for (const path of ['/users/{userId}/settings', '/users/{userId}/dnd', '/users/{userId}/forwarding', '/users/{userId}/block-list', '/users/{userId}/block-anonymous', '/users/{userId}/ring-plan', '/users/{userId}/emergency-address', '/users/{userId}/calls']) {
      const reply = await h.request('GET', path.replace('{userId}', 'alice'));
      const ref = (doc.paths[path]?.['get']?.responses['200'] as { content: Record<string, { schema: { $ref: string } }> }).content['application/json']?.schema.$ref;
      const check = ajv.getSchema(`urn:test:openapi${ref ?? ''}`);
      assert.ok(check?.(reply.body), `${path}: ${JSON.stringify(check?.errors)}`);
    }
    const error = ajv.getSchema('urn:test:openapi#/components/schemas/Error');
    assert.ok(error?.((await h.request('PUT', '/users/alice/dnd', { enabled: 1, version: 0 })).body));
  });

  it('serves itself as YAML and JSON without a token', async () => {
    const yaml = await h.request('GET', '/openapi.yaml', undefined, { token: null });
    assert.equal(yaml.status, 200);
    assert.equal(yaml.body, await readFile(OPENAPI_PATH, 'utf8'));
    const json = await h.request('GET', '/openapi.json', undefined, { token: null });
    assert.deepEqual(json.body, await loadDoc());
  });
});
