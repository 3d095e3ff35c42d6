// Product options (size, colour): a product names its options and their values, each variant picks one
// value of every option, and no two variants of a product pick the same combination, so a storefront
// can find the variant from what the buyer chose (variantByOptions).
import { Field, InputType, ObjectType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, Length, ValidateNested } from 'class-validator';
import { badInput } from '../kernel/errors.js';

@ObjectType({ description: 'An option of a product and the values its variants choose from, for example Size: S, M, L.' })
export class ProductOption {
  @Field() name!: string;
  @Field(() => [String]) values!: string[];
}

@ObjectType({ description: "A variant's value of one of its product's options." })
export class VariantOption {
  @Field() name!: string;
  @Field() value!: string;
}

@InputType()
export class ProductOptionInput {
  @Field() @Length(1, 50)
  name!: string;

  @Field(() => [String]) @ArrayMinSize(1) @ArrayMaxSize(100) @Length(1, 100, { each: true })
  values!: string[];
}

@InputType()
export class VariantOptionInput {
  @Field() @Length(1, 50)
  name!: string;

  @Field() @Length(1, 100)
  value!: string;
}

export const MAX_OPTIONS = 3;
export const optionsValidation = [ArrayMaxSize(MAX_OPTIONS), ValidateNested()];

/** Options as stored: trimmed, in the order given; names and values unique (case-insensitively). */
export function cleanOptions(options: ProductOptionInput[], field: string): ProductOption[] {
  if (options.length > MAX_OPTIONS) throw badInput(`A product has at most ${MAX_OPTIONS} options.`, field);
  const names = new Set<string>();
  return options.map((o, i) => {
    const name = o.name.trim();
    if (!name || names.has(name.toLowerCase())) throw badInput(`Option "${name}" is empty or given twice.`, `${field}[${i}].name`);
    names.add(name.toLowerCase());
    const values = o.values.map((v) => v.trim());
    const seen = new Set(values.map((v) => v.toLowerCase()));
    if (values.some((v) => !v) || seen.size !== values.length) throw badInput(`The values of option "${name}" must be non-empty and different.`, `${field}[${i}].values`);
    return { name, values };
  });
}

/**
 * A variant's choice as stored (one value of each option, in the product's option order: a list, since
 * PostgreSQL's jsonb does not keep an object's key order), checked against the product's options: every
 * option chosen once, with one of its values (matched case-insensitively).
 */
export function choiceOf(product: ProductOption[], chosen: VariantOptionInput[] | null | undefined, field: string): VariantOption[] | null {
  if (!product.length) {
    if (chosen?.length) throw badInput('The product has no options to choose from.', field);
    return null;
  }
  const out = new Map<string, string>();
  for (const c of chosen ?? []) {
    const option = product.find((o) => o.name.toLowerCase() === c.name.trim().toLowerCase());
    if (!option) throw badInput(`The product has no option "${c.name}".`, field);
    if (out.has(option.name)) throw badInput(`Option "${option.name}" is chosen twice.`, field);
    const value = option.values.find((v) => v.toLowerCase() === c.value.trim().toLowerCase());
    if (value === undefined) throw badInput(`"${c.value}" is not a value of option "${option.name}" (${option.values.join(', ')}).`, field);
    out.set(option.name, value);
  }
  const missing = product.filter((o) => !out.has(o.name)).map((o) => o.name);
  if (missing.length) throw badInput(`Choose a value of ${missing.join(', ')}.`, field);
  return product.map((o) => ({ name: o.name, value: out.get(o.name)! }));
}

/** The key two variants of a product must not share. */
export const choiceKey = (choice: VariantOption[] | null | undefined) =>
  (choice ?? []).map((o) => `${o.name.toLowerCase()}=${o.value.toLowerCase()}`).join('&');
