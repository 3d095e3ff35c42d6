import { Field, InputType } from 'type-graphql';
import { IsEmail, IsOptional, Length, Matches, MaxLength } from 'class-validator';

/** What to change; a field left out stays. name and phone: an empty string clears them. */
@InputType()
export class UpdateCustomerProfileInput {
  @Field({ nullable: true }) @IsOptional() @Length(0, 200)
  name?: string;

  @Field({ nullable: true, description: 'Digits, spaces, ( ) - and an optional leading +; empty clears it.' }) @IsOptional()
  @Matches(/^$|^\+?[0-9 ()\-]{4,40}$/, { message: 'phone is digits, spaces, ( ) - and an optional leading +' })
  phone?: string;

  @Field({ nullable: true, description: 'A new sign-in email: needs currentPassword. CONFLICT when another account has it.' }) @IsOptional()
  @IsEmail({}, { message: 'email is not an email address' }) @MaxLength(320)
  email?: string;

  @Field({ nullable: true, description: 'A new password (8 to 200 characters): needs currentPassword; every other session of the account ends.' }) @IsOptional()
  @Length(8, 200, { message: 'newPassword needs at least 8 characters' })
  newPassword?: string;

  @Field({ nullable: true, description: 'The password now: needed to change email or password.' }) @IsOptional() @Length(1, 200)
  currentPassword?: string;
}
