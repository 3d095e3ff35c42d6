// Where a location ships from, as a carrier needs it: its street address and the box it packs an order
// in. Both are optional: the built-in `sim` carrier needs neither, a real carrier (a label, a live rate)
// needs the address, and the box gives a parcel its size and the weight of the packaging.
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { Length, Matches, Max, Min } from 'class-validator';

@ObjectType({ description: 'The street address a location ships from (its country and region are on the location).' })
export class LocationAddress {
  @Field() line1!: string;
  @Field(() => String, { nullable: true }) line2?: string | null;
  @Field() city!: string;
  @Field() postalCode!: string;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true, description: 'The company name on labels; the location name when left out.' }) company?: string | null;
}

@InputType()
export class LocationAddressInput {
  @Field() @Length(1, 300, { message: 'address line1 is 1 to 300 characters' }) line1!: string;
  @Field({ nullable: true }) @Length(0, 300) line2?: string;
  @Field() @Length(1, 200, { message: 'address city is 1 to 200 characters' }) city!: string;
  @Field() @Matches(/^[A-Za-z0-9][A-Za-z0-9 \-]{1,31}$/, { message: 'postalCode is 2 to 32 letters, digits, spaces or dashes' }) postalCode!: string;
  @Field({ nullable: true }) @Matches(/^\+?[0-9 ()\-]{4,40}$/, { message: 'phone is digits, spaces, ( ) - and an optional leading +' }) phone?: string;
  @Field({ nullable: true }) @Length(0, 200) company?: string;
}

@ObjectType({ description: 'The box a location packs an order in: its outside size and what it weighs empty.' })
export class ParcelBox {
  @Field(() => Int) lengthCm!: number;
  @Field(() => Int) widthCm!: number;
  @Field(() => Int) heightCm!: number;
  @Field(() => Int, { description: 'The empty box and its filling, added to the weight of the units.' }) tareGrams!: number;
}

@InputType()
export class ParcelBoxInput {
  @Field(() => Int) @Min(1) @Max(300) lengthCm!: number;
  @Field(() => Int) @Min(1) @Max(300) widthCm!: number;
  @Field(() => Int) @Min(1) @Max(300) heightCm!: number;
  @Field(() => Int) @Min(0) @Max(70_000) tareGrams!: number;
}

/** Used when a location has no box set: a medium carton. */
export const DEFAULT_BOX: ParcelBox = { lengthCm: 30, widthCm: 20, heightCm: 15, tareGrams: 200 };
