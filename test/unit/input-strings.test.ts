// Input strings no database can hold, named by the argument path they land on; graphql-js's variable
// coercion messages and class-validator's errors turned into the same `fields` list; the edge settings.
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { stringProblem, variableProblems } from '../../src/kernel/input-strings.js';
import { coercionProblem, validationProblems } from '../../src/kernel/field-errors.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('input strings', () => {
  it('finds NUL characters and unpaired surrogates, and nothing else', () => {
    expect(stringProblem('Hauptstr. 1')).toBeNull();
    expect(stringProblem('emoji 😀 and ümlaut, tab\tnewline\n')).toBeNull();
    expect(stringProblem('a\u0000b')).toMatch(/NUL/);
    expect(stringProblem('a\ud800b')).toMatch(/surrogate/);
    expect(stringProblem('\udc00')).toMatch(/surrogate/);
    expect(stringProblem('x'.repeat(10_000) + '\ud83d')).toMatch(/surrogate/);
  });

  it('names the argument path a variable lands on, through fragments and nested literals', () => {
    const doc = parse(`mutation($i: PlaceOrderInput!, $addr: AddressInput!, $k: String) {
      a: placeOrder(input: $i, idempotencyKey: $k) { ...F }
      b: placeOrder(input: { email: "x@y.z", lines: [], shippingAddress: $addr, shippingMethodCode: "s", payment: { method: "m" } }) { accessToken }
    } fragment F on PlaceOrderPayload { accessToken }`);
    const problems = variableProblems(doc, undefined, {
      i: { email: 'ok@example.com', shippingAddress: { line1: 'Haupt\u0000str' }, lines: [{ sku: 'A' }, { sku: '\ud800' }] },
      addr: { city: 'Berl\u0000in' },
      k: 'fine',
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['input.lines[1].sku', 'input.shippingAddress.city', 'input.shippingAddress.line1']);
    // A variable no argument uses (refused by validation anyway) is named by its own name.
    expect(variableProblems(parse(`{ __typename }`), undefined, { x: '\u0000' })).toEqual([{ path: '$x', message: expect.stringMatching(/NUL/) }]);
  });

  it('walks a deeply nested value without exhausting the stack', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const problems = variableProblems(parse(`query($x: [String]) { __typename }`), undefined, { x: deep });
    expect(problems).toHaveLength(1);
  });
});

describe('field errors', () => {
  const argOf = (v: string) => ({ i: 'input' })[v];

  it("turns graphql-js's coercion messages into argument paths", () => {
    expect(coercionProblem('Variable "$i" got invalid value "x" at "i.lines[0].quantity"; Int cannot represent non-integer value: "x"', argOf))
      .toEqual({ path: 'input.lines[0].quantity', message: 'Int cannot represent non-integer value: "x"' });
    expect(coercionProblem('Variable "$i" got invalid value {}; Field "email" of required type "String!" was not provided.', argOf))
      .toEqual({ path: 'input.email', message: 'Field "email" of required type "String!" was not provided' });
    expect(coercionProblem('Variable "$i" got invalid value { x: 1 } at "i.shippingAddress"; Field "zip" is not defined by type "AddressInput".', argOf))
      .toEqual({ path: 'input.shippingAddress.zip', message: 'Field "zip" is not defined by type "AddressInput"' });
    expect(coercionProblem('Variable "$i" of required type "PlaceOrderInput!" was not provided.', argOf)).toEqual({ path: 'input', message: 'is required' });
    expect(coercionProblem('Variable "$other" of non-null type "String!" must not be null.', argOf)).toEqual({ path: '$other', message: 'is required' });
    expect(coercionProblem('Something else entirely', argOf)).toBeNull();
  });

  it("flattens class-validator's nested errors, and is not fooled by a validator that threw", () => {
    const errors = [
      { property: 'email', constraints: { isEmail: 'email is not an email address' } },
      { property: 'lines', children: [{ property: '0', children: [{ property: 'quantity', constraints: { min: 'quantity must be at least 1' } }] }] },
    ];
    expect(validationProblems(errors, 'input')).toEqual([
      { path: 'input.email', message: 'email is not an email address' },
      { path: 'input.lines[0].quantity', message: 'quantity must be at least 1' },
    ]);
    expect(validationProblems(new URIError('URI malformed'))).toBeNull();
    expect(validationProblems([null, 7, { property: {}, constraints: { x: 'odd' } }])).toEqual([{ path: '?', message: 'odd' }]);
  });
});

describe('edge settings', () => {
  const base = { NODE_ENV: 'test', ORDO_DATA_DIR: '/tmp/ordo-never-created' };

  it('has defaults a storefront never reaches', () => {
    const c = loadConfig(base);
    expect([c.maxQueryDepth, c.maxQueryCost, c.maxAliases, c.maxDirectives, c.maxTokens, c.introspection]).toEqual([12, 20_000, 30, 50, 5_000, true]);
    expect(c.corsOrigins).toBeUndefined();
    expect(loadConfig({ ...base, ORDO_INTROSPECTION: 'false' }).introspection).toBe(false);
  });

  it('reads ORDO_CORS_ORIGINS as a list of origins or *, and says what is wrong with a bad one', () => {
    expect(loadConfig({ ...base, ORDO_CORS_ORIGINS: 'https://Shop.example, http://localhost:5173' }).corsOrigins).toEqual(['https://shop.example', 'http://localhost:5173']);
    expect(loadConfig({ ...base, ORDO_CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(() => loadConfig({ ...base, ORDO_CORS_ORIGINS: 'https://shop.example/' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ORDO_CORS_ORIGINS: 'https://shop.example/' })).toThrow(/no path, no trailing slash/);
    expect(() => loadConfig({ ...base, ORDO_CORS_ORIGINS: 'shop.example' })).toThrow(/is not an origin/);
    expect(() => loadConfig({ ...base, ORDO_CORS_ORIGINS: '*, https://shop.example' })).toThrow(/cannot be combined/);
  });
});
