import assert from 'node:assert/strict';
import { DEFAULT_EDGE_CONFIG, validateEdgeConfig, type EdgeConfigError } from '../../../../src/sip/edge/index.js';

function errorsOf(raw: unknown, basePath?: string): EdgeConfigError[] {
  const result = validateEdgeConfig(raw, basePath);
  assert.ok(!result.ok, 'expected the config to be refused');
  for (const e of result.errors) {
    assert.ok(e.message.length > 0 && e.fix.length > 0, `error at ${e.path} has a message and a fix`);
  }
  return result.errors;
}

function onlyError(raw: unknown): EdgeConfigError {
  const errors = errorsOf(raw);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  return errors[0] as EdgeConfigError;
}

describe('validateEdgeConfig', () => {
  it('fills every default from nothing', () => {
    const result = validateEdgeConfig(undefined);
    assert.ok(result.ok);
    assert.deepEqual(result.config, DEFAULT_EDGE_CONFIG);
    assert.deepEqual(validateEdgeConfig({}), { ok: true, config: DEFAULT_EDGE_CONFIG });
  });

  it('keeps given values, defaults the rest, and deep-freezes the result', () => {
    const result = validateEdgeConfig({ rateLimit: { burst: 10, exempt: ['10.0.0.0/8'] }, scanner: { enabled: false } });
    assert.ok(result.ok);
    assert.equal(result.config.rateLimit.burst, 10);
    assert.deepEqual(result.config.rateLimit.exempt, ['10.0.0.0/8']);
    assert.equal(result.config.rateLimit.requestsPerSecond, DEFAULT_EDGE_CONFIG.rateLimit.requestsPerSecond);
    assert.equal(result.config.scanner.enabled, false);
    assert.deepEqual(result.config.scanner.patterns, DEFAULT_EDGE_CONFIG.scanner.patterns);
    assert.ok(Object.isFrozen(result.config) && Object.isFrozen(result.config.rateLimit) && Object.isFrozen(result.config.rateLimit.exempt));
  });

  it('accepts empty lists (no exemptions, no patterns)', () => {
    const result = validateEdgeConfig({ rateLimit: { exempt: [] }, scanner: { patterns: [], userAgentPatterns: [] } });
    assert.ok(result.ok);
    assert.deepEqual(result.config.rateLimit.exempt, []);
  });

  it('names the path and the fix for a wrong type', () => {
    const e = onlyError({ rateLimit: { burst: 'lots' } });
    assert.equal(e.path, 'rateLimit.burst');
    assert.match(e.message, /must be a number/);
    assert.match(e.fix, /such as 40/);
  });

  it('tells a quoted number to drop the quotes', () => {
    const e = onlyError({ rateLimit: { requestsPerSecond: '25' } });
    assert.equal(e.path, 'rateLimit.requestsPerSecond');
    assert.equal(e.fix, 'write 25 without quotes');
  });

  it('refuses out-of-range and fractional numbers', () => {
    assert.equal(onlyError({ rateLimit: { requestsPerSecond: 0 } }).path, 'rateLimit.requestsPerSecond');
    assert.match(onlyError({ rateLimit: { banSeconds: -5 } }).message, /greater than 0/);
    const burst = onlyError({ rateLimit: { burst: 2.5 } });
    assert.equal(burst.path, 'rateLimit.burst');
    assert.match(burst.message, /whole number/);
    const cap = onlyError({ rateLimit: { maxTrackedAddresses: 1e9 } });
    assert.equal(cap.path, 'rateLimit.maxTrackedAddresses');
    assert.match(cap.fix, /up to 10000000/);
    assert.equal(onlyError({ rateLimit: { maxTrackedAddresses: Infinity } }).path, 'rateLimit.maxTrackedAddresses');
  });

  it('names the index of a bad exempt entry and suggests the network', () => {
    const e = onlyError({ rateLimit: { exempt: ['10.0.0.0/8', '192.168.1.10/24'] } });
    assert.equal(e.path, 'rateLimit.exempt[1]');
    assert.match(e.fix, /"192\.168\.1\.0\/24"/);
    const junk = onlyError({ rateLimit: { exempt: ['trunk.example.com'] } });
    assert.equal(junk.path, 'rateLimit.exempt[0]');
    assert.match(junk.fix, /10\.0\.0\.0\/8/);
  });

  it('refuses empty or too-short scanner patterns and non-strings', () => {
    const errors = errorsOf({ scanner: { patterns: ['sipvicious', '', 'ab'], userAgentPatterns: [42] } });
    assert.deepEqual(errors.map((e) => e.path), ['scanner.patterns[1]', 'scanner.patterns[2]', 'scanner.userAgentPatterns[0]']);
    assert.match(errors[2]?.fix ?? '', /quote/);
  });

  it('refuses a non-list where a list is expected', () => {
    const e = onlyError({ rateLimit: { exempt: '10.0.0.0/8' } });
    assert.equal(e.path, 'rateLimit.exempt');
    assert.match(e.fix, /\[/);
  });

  it('refuses a non-boolean flag', () => {
    const e = onlyError({ scanner: { enabled: 'yes' } });
    assert.equal(e.path, 'scanner.enabled');
    assert.match(e.fix, /true or false/);
  });

  it('refuses unknown keys and suggests the one probably meant', () => {
    const errors = errorsOf({ rateLimt: {}, scanner: { pattern: ['x-scan'] } });
    assert.deepEqual(errors.map((e) => e.path), ['rateLimt', 'scanner.pattern']);
    assert.match(errors[0]?.fix ?? '', /did you mean "rateLimit"/);
    assert.match(errors[1]?.fix ?? '', /did you mean "patterns"/);
    assert.match(onlyError({ colour: 1 }).fix, /^remove it/);
  });

  it('refuses a section that is not an object', () => {
    assert.equal(onlyError('on').path, '<root>');
    assert.equal(onlyError({ rateLimit: [1] }).path, 'rateLimit');
    assert.equal(onlyError({ scanner: null }).path, 'scanner');
  });

  it('reports every problem at once, prefixed with basePath', () => {
    const errors = errorsOf({ rateLimit: { burst: 0, banSeconds: 'x', exempt: ['nope'] } }, 'sip.edge');
    assert.deepEqual(errors.map((e) => e.path), ['sip.edge.rateLimit.burst', 'sip.edge.rateLimit.banSeconds', 'sip.edge.rateLimit.exempt[0]']);
    assert.equal(errorsOf(7, 'sip.edge')[0]?.path, 'sip.edge');
  });

  it('never throws, whatever it is given', () => {
    for (const raw of [null, 0, 'x', [], () => 1, { rateLimit: { exempt: [null, {}, []] } }, Object.create(null)]) {
      assert.doesNotThrow(() => validateEdgeConfig(raw));
    }
  });
});
