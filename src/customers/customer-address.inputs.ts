// The address book's inputs: the field rules of an order's AddressInput (order-core/address.ts; this
// folder cannot import it, order-core imports customers), so a saved address is always a valid order address.
import { Field, InputType } from 'type-graphql';
import { IsOptional, Length, Matches } from 'class-validator';

const POSTAL = /^[A-Za-z0-9][A-Za-z0-9 \-]{1,31}$/;
const COUNTRY = /^[A-Z]{2}$/;
const PHONE = /^\+?[0-9 ()\-]{4,40}$/;

@InputType()
export class CustomerAddressInput {
  @Field({ nullable: true, description: 'The customer\'s name for it ("Home"), up to 100 characters.' }) @IsOptional() @Length(0, 100) label?: string;
  @Field() @Length(1, 200, { message: 'address name is 1 to 200 characters' }) name!: string;
  @Field() @Length(1, 300, { message: 'address line1 is 1 to 300 characters' }) line1!: string;
  @Field({ nullable: true }) @IsOptional() @Length(0, 300) line2?: string;
  @Field() @Length(1, 200, { message: 'address city is 1 to 200 characters' }) city!: string;
  @Field({ nullable: true }) @IsOptional() @Length(0, 100) region?: string;
  @Field() @Matches(POSTAL, { message: 'postalCode is 2 to 32 letters, digits, spaces or dashes' }) postalCode!: string;
  @Field() @Matches(COUNTRY, { message: 'countryCode is an ISO 3166 alpha-2 code such as DE' }) countryCode!: string;
  @Field({ nullable: true }) @IsOptional() @Matches(PHONE, { message: 'phone is digits, spaces, ( ) - and an optional leading +' }) phone?: string;
}

/** What to change; a field left out stays. label, line2, region and phone: an empty string clears them. */
@InputType()
export class UpdateCustomerAddressInput {
  @Field({ nullable: true }) @IsOptional() @Length(0, 100) label?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200, { message: 'address name is 1 to 200 characters' }) name?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 300, { message: 'address line1 is 1 to 300 characters' }) line1?: string;
  @Field({ nullable: true }) @IsOptional() @Length(0, 300) line2?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200, { message: 'address city is 1 to 200 characters' }) city?: string;
  @Field({ nullable: true }) @IsOptional() @Length(0, 100) region?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(POSTAL, { message: 'postalCode is 2 to 32 letters, digits, spaces or dashes' }) postalCode?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(COUNTRY, { message: 'countryCode is an ISO 3166 alpha-2 code such as DE' }) countryCode?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(/^$|^\+?[0-9 ()\-]{4,40}$/, { message: 'phone is digits, spaces, ( ) - and an optional leading +' }) phone?: string;
}
