import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { JSONObjectScalar } from '../kernel/graphql-types.js';
import { Order } from '../order-core/order.entity.js';
import { AutomationActionType } from './automation-actions.js';

registerEnumType(AutomationActionType, {
  name: 'AutomationActionType',
  valuesConfig: {
    HOLD: { description: 'Put the order on hold with `reason`.' },
    CANCEL_IF_UNPAID: { description: 'Cancel the order with `reason` when its payment status is PENDING or DECLINED.' },
    TAG: { description: 'Add `tags` to the order.' },
    NOTE: { description: 'Add a staff note `text` to the order.' },
    NOTIFY_STAFF: { description: 'Mail `emails` (with `text`, if given).' },
    WEBHOOK: { description: 'POST to `url`, signed with `secret` (x-ordo-signature), with an Idempotency-Key.' },
  },
});

@InputType()
export class AutomationActionInput {
  @Field(() => AutomationActionType) type!: AutomationActionType;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(500) reason?: string | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(20) tags?: string[] | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) text?: string | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(10) emails?: string[] | null;
  @Field(() => String, { nullable: true, description: 'http:// or https:// URL of a WEBHOOK action.' }) @IsOptional() @MaxLength(2000) url?: string | null;
  @Field(() => String, { nullable: true, description: "A WEBHOOK's HMAC key (16 to 200 characters); never shown again. On update, left out it keeps the secret of the rule's webhook to the same url." })
  @IsOptional() @MaxLength(200) secret?: string | null;
}

@InputType()
export class CreateAutomationRuleInput {
  @Field() @Length(1, 100) name!: string;
  @Field(() => String, { nullable: true, description: 'The event that triggers the rule (order.placed, shipment.exception, stock.low, … see docs/automation.md). Give this or everyMinutes.' })
  @IsOptional() @MaxLength(64) event?: string | null;
  @Field(() => Int, { nullable: true, description: 'A scheduled rule: every N minutes (1 to 1440) over the orders changed since its last run.' })
  @IsOptional() @IsInt() @Min(1) @Max(1440) everyMinutes?: number | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'JsonLogic over the facts of docs/automation.md (money in minor units); null: always.' })
  condition?: Record<string, unknown> | null;
  @Field(() => [AutomationActionInput]) @ArrayMinSize(1) @ArrayMaxSize(10) actions!: AutomationActionInput[];
  @Field(() => [String], { nullable: true, description: 'Only orders of these channels; null: every channel.' }) @IsOptional() @ArrayMaxSize(50) channelCodes?: string[] | null;
  @Field(() => Boolean, { nullable: true, defaultValue: true }) enabled?: boolean;
}

@InputType({ description: 'What to change; what is left out stays. Giving event or everyMinutes switches the trigger.' })
export class UpdateAutomationRuleInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 100) name?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) event?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(1440) everyMinutes?: number | null;
  @Field(() => JSONObjectScalar, { nullable: true }) condition?: Record<string, unknown> | null;
  @Field(() => Boolean, { nullable: true, description: 'Remove the condition: the rule then matches every event.' }) clearCondition?: boolean | null;
  @Field(() => [AutomationActionInput], { nullable: true }) @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(10) actions?: AutomationActionInput[] | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the channels; [] for every channel.' }) @IsOptional() @ArrayMaxSize(50) channelCodes?: string[] | null;
}

@ObjectType({ description: "An action of a rule as shown (a webhook's secret is not)." })
export class AutomationAction {
  @Field(() => AutomationActionType) type!: AutomationActionType;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => String, { nullable: true }) text?: string | null;
  @Field(() => [String], { nullable: true }) emails?: string[] | null;
  @Field(() => String, { nullable: true }) url?: string | null;
}

@ObjectType({ description: 'Which recent orders a rule would have matched.' })
export class AutomationDryRun {
  @Field(() => Int, { description: 'Orders looked at (the most recent placed, of the rule\'s channels).' }) examined!: number;
  @Field(() => [Order], { description: 'Those the condition matched, newest first.' }) matched!: Order[];
}
