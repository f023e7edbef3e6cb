import assert from 'node:assert/strict';
import { classifySalesforceError, errorFacts, SalesforceError } from '../../../../src/crm/index.js';
import { networkError, sfError } from './fake-connector.js';

describe('classifySalesforceError', () => {
  it('logs in again on INVALID_SESSION_ID and on any 401', () => {
    assert.equal(classifySalesforceError('INVALID_SESSION_ID'), 'relogin');
    assert.equal(classifySalesforceError('SOMETHING', 401), 'relogin');
  });

  it('backs off on the org limit, 5xx and network errors', () => {
    assert.equal(classifySalesforceError('REQUEST_LIMIT_EXCEEDED', 403), 'backoff');
    assert.equal(classifySalesforceError('SERVER_UNAVAILABLE', 503), 'backoff');
    assert.equal(classifySalesforceError('ERROR_HTTP_502'), 'backoff');
    assert.equal(classifySalesforceError('WHATEVER', 500), 'backoff');
    assert.equal(classifySalesforceError('ECONNRESET'), 'backoff');
    assert.equal(classifySalesforceError('NETWORK_ERROR'), 'backoff');
  });

  it('retries lock contention and rolled-back collection records', () => {
    assert.equal(classifySalesforceError('UNABLE_TO_LOCK_ROW'), 'retry');
    assert.equal(classifySalesforceError('UNABLE_TO_LOCK_ROW', 400), 'retry');
    assert.equal(classifySalesforceError('ALL_OR_NONE_OPERATION_ROLLED_BACK'), 'retry');
  });

  it('calls everything else permanent (validation, field-level security, bad references)', () => {
    for (const code of ['INVALID_FIELD', 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'INVALID_FIELD_FOR_INSERT_UPDATE',
      'INVALID_CROSS_REFERENCE_KEY', 'REQUIRED_FIELD_MISSING', 'INSUFFICIENT_ACCESS_OR_READONLY']) {
      assert.equal(classifySalesforceError(code, 400), 'permanent', code);
    }
  });
});

describe('errorFacts', () => {
  it('reads jsforce HttpApiError codes and fields', () => {
    assert.deepEqual(errorFacts(sfError('INVALID_FIELD', 'No such column', ['Foo__c'])), {
      code: 'INVALID_FIELD', message: 'No such column', fields: ['Foo__c'],
    });
  });

  it('reads socket errors, SOAP faults, OAuth errors and timeouts', () => {
    assert.equal(errorFacts(networkError('ECONNREFUSED')).code, 'ECONNREFUSED');
    assert.equal(errorFacts(new Error('INVALID_LOGIN: Invalid username, password, security token; or user locked out.')).code, 'INVALID_LOGIN');
    const oauth = new Error('user hasn\'t approved this consumer');
    oauth.name = 'invalid_grant';
    assert.equal(errorFacts(oauth).code, 'invalid_grant');
    const http = new Error('<html>');
    http.name = 'ERROR_HTTP_503';
    assert.equal(errorFacts(http).code, 'ERROR_HTTP_503');
    assert.equal(errorFacts(new Error('Request Timeout')).code, 'REQUEST_TIMEOUT');
  });

  it('keeps a SalesforceError as it is and names anything else UNKNOWN_ERROR', () => {
    const e = new SalesforceError('INVALID_CONFIG', 'bad', { permanent: true, fields: ['x'] });
    assert.deepEqual(errorFacts(e), { code: 'INVALID_CONFIG', message: 'bad', fields: ['x'] });
    assert.equal(errorFacts('boom').code, 'UNKNOWN_ERROR');
    assert.equal(errorFacts(new TypeError('x is undefined')).code, 'UNKNOWN_ERROR');
  });
});
