// class-validator's rule lookups are kept per class (kernel/validation-metadata.ts): what an input is
// checked against must stay what its decorators say, also for classes declared after the first lookups.
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { IsEmail, Max, MaxLength, Min, ValidateNested, validate } from 'class-validator';
import { cacheValidationMetadata } from '../../src/kernel/validation-metadata.js';

const failing = async (o: object) => (await validate(o, { forbidUnknownValues: false })).map((e) => `${e.property}:${Object.keys(e.constraints ?? {}).join(',')}`).sort();

describe('validation rules looked up once per class', () => {
  it('checks the same rules as before, for a class and for classes declared later that extend it', async () => {
    cacheValidationMetadata();
    cacheValidationMetadata(); // twice is once
    class Contact {
      @IsEmail() email!: string;
      @MaxLength(5) name!: string;
    }
    const bad = Object.assign(new Contact(), { email: 'nope', name: 'far too long' });
    expect(await failing(bad)).toEqual(['email:isEmail', 'name:maxLength']);
    // Again from the kept lookup, and a good one passes.
    expect(await failing(bad)).toEqual(['email:isEmail', 'name:maxLength']);
    expect(await failing(Object.assign(new Contact(), { email: 'a@example.com', name: 'Ann' }))).toEqual([]);

    // Declared after Contact's rules were kept: inherits them and adds its own.
    class Buyer extends Contact {
      @Min(1) @Max(3) tier!: number;
    }
    expect(await failing(Object.assign(new Buyer(), { email: 'nope', name: 'Ann', tier: 9 }))).toEqual(['email:isEmail', 'tier:max']);
    // Nested objects are looked up under their parent's name: their rules hold on every check too.
    class Order {
      @ValidateNested() buyer!: Buyer;
    }
    const nested = (tier: number) => Object.assign(new Order(), { buyer: Object.assign(new Buyer(), { email: 'a@example.com', name: 'Ann', tier }) });
    for (let i = 0; i < 3; i++) {
      const [e] = await validate(nested(7), { forbidUnknownValues: false });
      expect(e?.children?.map((c) => c.property)).toEqual(['tier']);
      expect(await validate(nested(2), { forbidUnknownValues: false })).toEqual([]);
    }
    // A rule added to an already-checked class counts from then on.
    MaxLength(2)(Contact.prototype, 'name');
    expect(await failing(Object.assign(new Contact(), { email: 'a@example.com', name: 'Ann' }))).toEqual(['name:maxLength']);
  });
});
