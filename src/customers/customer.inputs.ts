import { Field, InputType } from 'type-graphql';
import { IsEmail, Length, MaxLength } from 'class-validator';

@InputType()
export class RegisterCustomerInput {
  @Field() @IsEmail({}, { message: 'email is not an email address' }) @MaxLength(320)
  email!: string;

  @Field() @Length(8, 200, { message: 'password needs at least 8 characters' })
  password!: string;

  @Field({ nullable: true }) @Length(0, 200)
  name?: string;
}
