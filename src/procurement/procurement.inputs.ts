import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsInt, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { PurchaseOrderStatus } from './purchase-order-status.js';

@InputType()
export class CreateSupplierInput {
  @Field() @Length(1, 200)
  name!: string;

  @Field({ nullable: true }) @MaxLength(200)
  contactName?: string;

  @Field() @IsEmail({}, { message: 'email is not an email address' }) @MaxLength(320)
  email!: string;

  @Field({ nullable: true }) @MaxLength(50)
  phone?: string;

  @Field() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode is an ISO 4217 code such as EUR' })
  currencyCode!: string;

  @Field(() => Int, { nullable: true }) @IsInt() @Min(0) @Max(365)
  leadTimeDays?: number;
}

@InputType()
export class UpdateSupplierInput {
  @Field({ nullable: true }) @Length(1, 200)
  name?: string;

  @Field({ nullable: true }) @MaxLength(200)
  contactName?: string;

  @Field({ nullable: true }) @IsEmail({}, { message: 'email is not an email address' }) @MaxLength(320)
  email?: string;

  @Field({ nullable: true }) @MaxLength(50)
  phone?: string;

  @Field({ nullable: true, description: 'Purchase orders already written keep their currency.' })
  @Matches(/^[A-Z]{3}$/, { message: 'currencyCode is an ISO 4217 code such as EUR' })
  currencyCode?: string;

  @Field(() => Int, { nullable: true }) @IsInt() @Min(0) @Max(365)
  leadTimeDays?: number;

  @Field({ nullable: true })
  active?: boolean;
}

@InputType()
export class SetSupplierItemInput {
  @Field(() => ID)
  supplierId!: string;

  @Field() @Length(1, 100)
  sku!: string;

  @Field({ nullable: true }) @MaxLength(100)
  supplierSku?: string;

  @Field(() => Int, { description: "Minor units of the supplier's currency." }) @IsInt() @Min(0)
  costPrice!: number;

  @Field(() => Int, { nullable: true }) @IsInt() @Min(1) @Max(1_000_000)
  minimumOrderQuantity?: number;

  @Field(() => Int, { nullable: true }) @IsInt() @Min(1) @Max(1_000_000)
  packSize?: number;
}

@InputType()
export class PurchaseOrderLineInput {
  @Field() @Length(1, 100)
  sku!: string;

  @Field(() => Int) @IsInt() @Min(1) @Max(1_000_000)
  quantity!: number;

  @Field(() => Int, { nullable: true, description: "Minor units; the supplier item's cost price when unset." }) @IsInt() @Min(0)
  unitCost?: number;

  @Field(() => DateTimeScalar, { nullable: true })
  expectedAt?: Date;

  @Field({ nullable: true, description: 'Let a delivery bring more than ordered (default false).' })
  allowOverReceipt?: boolean;
}

@InputType()
export class CreatePurchaseOrderInput {
  @Field(() => ID)
  supplierId!: string;

  @Field()
  locationCode!: string;

  @Field(() => [PurchaseOrderLineInput]) @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested()
  lines!: PurchaseOrderLineInput[];

  @Field(() => DateTimeScalar, { nullable: true, description: "Today plus the supplier's lead time when unset." })
  expectedAt?: Date;

  @Field({ nullable: true }) @MaxLength(2000)
  notes?: string;
}

@InputType({ description: 'In DRAFT anything may change; once SENT only the expected date and the notes.' })
export class UpdatePurchaseOrderInput {
  @Field(() => DateTimeScalar, { nullable: true })
  expectedAt?: Date;

  @Field({ nullable: true }) @MaxLength(2000)
  notes?: string;

  @Field(() => [PurchaseOrderLineInput], { nullable: true, description: 'Replaces every line (DRAFT only).' })
  @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested()
  lines?: PurchaseOrderLineInput[];
}

@InputType()
export class ReceiveLineInput {
  @Field() @Length(1, 100)
  sku!: string;

  @Field(() => Int) @IsInt() @Min(1) @Max(1_000_000)
  quantity!: number;
}

@InputType()
export class PurchaseOrderFilter {
  @Field(() => ID, { nullable: true })
  supplierId?: string;

  @Field(() => PurchaseOrderStatus, { nullable: true })
  status?: PurchaseOrderStatus;
}
