// Input arguments get a plain yes/no check of their class-validator rules before class-validator itself
// (kernel/argument-validation.ts). Its "valid" is trusted without class-validator: over generated values
// for every input class of the engine and its bundled plugins, nothing it calls valid may have a
// class-validator error, and nothing class-validator passes may miss the short way.
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getMetadataStorage as validatorStorage, validate } from 'class-validator';
import { getMetadataStorage as typeGraphqlStorage } from 'type-graphql';
import { coreModules } from '../../src/modules.js';
import { firstPartyPlugins } from '../../plugins/index.js';
import { cacheValidationMetadata } from '../../src/kernel/validation-metadata.js';
import { argumentValidator, surelyValid } from '../../src/kernel/argument-validation.js';
import { OrderLineInput, PaymentInput, PlaceOrderInput } from '../../src/orders/order.inputs.js';
import { AddressInput } from '../../src/order-core/address.js';

const OPTIONS = { forbidUnknownValues: false, skipMissingProperties: true, stopAtFirstError: true };

// Every class the modules declared rules for (importing them declared them).
void [coreModules, firstPartyPlugins];
cacheValidationMetadata();
const ruled = [...(validatorStorage() as unknown as { validationMetadatas: Map<unknown, unknown[]> }).validationMetadatas.keys()].filter(
  (k): k is new () => object => typeof k === 'function',
);
type Field = { name: string; getType: () => unknown; typeOptions: { array?: boolean } };
const tg = typeGraphqlStorage() as unknown as { fields: (Field & { target: Function })[] };
const fieldsOf = (cls: Function) => tg.fields.filter((f) => f.target === cls || cls.prototype instanceof f.target);
const ruleProps = (cls: Function) =>
  [...new Set((validatorStorage() as unknown as { getTargetValidationMetadatas: (...a: unknown[]) => { propertyName: string }[] }).getTargetValidationMetadatas(cls, undefined, false, false).map((r) => r.propertyName))];

// Values near the edges the rules draw: empty, short, long, emails, codes, patterns, numbers, lists.
const scalar = fc.oneof(
  fc.constantFrom('', 'a', 'ab', 'US', 'EUR', 'JPY', 'SKU-1', 'a@example.com', 'not an email', 'x'.repeat(64), 'x'.repeat(300), '2026-01-01', '#', 'order.confirmed', '*'),
  fc.string({ maxLength: 12 }),
  fc.emailAddress(),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(0, 1, 7, 100, 10_000, 1_000_000, 2 ** 31, -1, 1.5, Number.NaN),
  fc.boolean(),
);
const value = (depth: number, type: unknown, array: boolean): fc.Arbitrary<unknown> => {
  const nestedClass = typeof type === 'function' && ruled.includes(type as never) ? (type as new () => object) : null;
  const one: fc.Arbitrary<unknown> = nestedClass && depth < 3 ? fc.oneof({ weight: 4, arbitrary: instance(nestedClass, depth + 1) }, { weight: 1, arbitrary: scalar }) : scalar;
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(undefined, null) },
    { weight: array ? 1 : 6, arbitrary: one },
    { weight: array ? 6 : 1, arbitrary: fc.array(fc.oneof({ weight: 8, arbitrary: one }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 4 }) },
  );
};
const instance = (cls: new () => object, depth = 0): fc.Arbitrary<object> => {
  const fields = new Map(fieldsOf(cls).map((f) => [f.name, f]));
  const names = [...new Set([...ruleProps(cls), ...fields.keys()])];
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const n of names) {
    const f = fields.get(n);
    let type: unknown;
    try {
      type = f?.getType();
    } catch {
      type = undefined;
    }
    record[n] = value(depth, type, f?.typeOptions.array ?? false);
  }
  return fc.record(record, { requiredKeys: [] }).map((r) => Object.assign(new cls(), r));
};

describe('argument validation: the plain check before class-validator', () => {
  it('finds the engine’s input classes', () => {
    expect(ruled.length).toBeGreaterThan(50);
    expect(ruled).toContain(PlaceOrderInput);
  });

  it('agrees with class-validator on every input class: valid here only when valid there, and the other way round (property)', async () => {
    let valid = 0;
    let total = 0;
    for (const cls of ruled) {
      await fc.assert(
        fc.asyncProperty(instance(cls), async (x) => {
          total++;
          const errors = await validate(x, OPTIONS);
          // The one that matters: what is called valid here is never checked by class-validator.
          if (surelyValid(x)) expect(errors.map((e) => e.property), `${cls.name} ${JSON.stringify(x)}`).toEqual([]);
          // And no valid input misses the short way (the rules used are all modelled).
          else expect(errors.length, `${cls.name} ${JSON.stringify(x)}`).toBeGreaterThan(0);
          if (errors.length === 0) valid++;
        }),
        { numRuns: 60 },
      );
    }
    // Not vacuous: a fair share of the generated inputs were valid (the agreement above covers both sides).
    expect(valid / total).toBeGreaterThan(0.1);
  });

  it('takes the short way for a good placeOrder input and class-validator’s answer for a bad one', async () => {
    // As type-graphql hands it over: nested inputs as instances of their classes.
    const input = Object.assign(new PlaceOrderInput(), {
      channelCode: 'web', email: 'ann@example.com',
      lines: [Object.assign(new OrderLineInput(), { sku: 'TEE-M', quantity: 2 })],
      shippingAddress: Object.assign(new AddressInput(), { fullName: 'Ann Lee', line1: '1 Main St', city: 'Springfield', postalCode: '12345', countryCode: 'US' }),
      shippingMethodCode: 'standard', payment: Object.assign(new PaymentInput(), { method: 'test-card', token: 'tok_visa' }),
    });
    expect(await validate(input, OPTIONS)).toEqual([]);
    const check = argumentValidator({ forbidUnknownValues: false, stopAtFirstError: true });
    expect(surelyValid(input)).toBe(true);
    expect(check(input, PlaceOrderInput as never, {} as never)).toBeUndefined(); // answered at once, no promise

    // A bad value one level down (a line's quantity) and at the top (the email): class-validator answers.
    const badLine = Object.assign(new PlaceOrderInput(), { ...input, lines: [Object.assign(new OrderLineInput(), { sku: 'TEE-M', quantity: 0 })] });
    expect(surelyValid(badLine)).toBe(false);
    await expect(check(badLine, PlaceOrderInput as never, {} as never)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const bad = Object.assign(new PlaceOrderInput(), { ...input, email: 'not an email' });
    expect(surelyValid(bad)).toBe(false);
    const answer = check(bad, PlaceOrderInput as never, {} as never) as Promise<void>;
    await expect(answer).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const detail = await answer.catch((e) => e.extensions.validationErrors);
    expect(detail.map((e: { property: string; constraints: object }) => [e.property, e.constraints])).toEqual([['email', { isEmail: 'email is not an email address' }]]);
  });
});
