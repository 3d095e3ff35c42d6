import { Embeddable, Property } from '@mikro-orm/core';
import { Field, InputType, ObjectType } from 'type-graphql';
import { Length, Matches } from 'class-validator';

@ObjectType()
@Embeddable()
export class Address {
  @Field() @Property({ length: 200 }) name!: string;
  @Field() @Property({ length: 300 }) line1!: string;
  @Field(() => String, { nullable: true }) @Property({ type: 'string', length: 300, nullable: true }) line2?: string | null;
  @Field() @Property({ length: 200 }) city!: string;
  @Field(() => String, { nullable: true }) @Property({ type: 'string', length: 100, nullable: true }) region?: string | null;
  @Field() @Property({ length: 32 }) postalCode!: string;
  @Field() @Property({ length: 2 }) countryCode!: string;
  @Field(() => String, { nullable: true }) @Property({ type: 'string', length: 40, nullable: true }) phone?: string | null;
}

@InputType()
export class AddressInput {
  @Field() @Length(1, 200, { message: 'address name is 1 to 200 characters' }) name!: string;
  @Field() @Length(1, 300, { message: 'address line1 is 1 to 300 characters' }) line1!: string;
  @Field({ nullable: true }) @Length(0, 300) line2?: string;
  @Field() @Length(1, 200, { message: 'address city is 1 to 200 characters' }) city!: string;
  @Field({ nullable: true }) @Length(0, 100) region?: string;
  @Field() @Matches(/^[A-Za-z0-9][A-Za-z0-9 \-]{1,31}$/, { message: 'postalCode is 2 to 32 letters, digits, spaces or dashes' }) postalCode!: string;
  @Field() @Matches(/^[A-Z]{2}$/, { message: 'countryCode is an ISO 3166 alpha-2 code such as DE' }) countryCode!: string;
  @Field({ nullable: true }) @Matches(/^\+?[0-9 ()\-]{4,40}$/, { message: 'phone is digits, spaces, ( ) - and an optional leading +' }) phone?: string;
}
