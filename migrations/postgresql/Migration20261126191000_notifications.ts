import { Migration } from '@mikro-orm/migrations';

// Notifications: every message sent to a customer, once per (event, recipient, channel).
export class Migration20261126191000_notifications extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "notification_message" ("id" varchar(40) not null, "event_id" bigint not null, "event_type" varchar(100) not null, "order_id" varchar(40) null, "channel" text check ("channel" in ('EMAIL', 'SMS')) not null, "recipient" varchar(320) not null, "sender" varchar(320) not null, "subject" varchar(300) null, "text" text not null, "status" text check ("status" in ('PENDING', 'SENT', 'FAILED')) not null default 'PENDING', "provider" varchar(64) not null default '', "provider_message_id" varchar(300) null, "error" text null, "attempts" int not null default 0, "claimed_until_ms" bigint null, "created_at" timestamptz not null, "sent_at" timestamptz null, constraint "notification_message_pkey" primary key ("id"));`);
    this.addSql(`create index "notification_message_order_id_created_at_index" on "notification_message" ("order_id", "created_at");`);
    this.addSql(`alter table "notification_message" add constraint "notification_message_event_id_recipient_channel_unique" unique ("event_id", "recipient", "channel");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notification_message" cascade;`);
  }

}
