import { Migration } from '@mikro-orm/migrations';

// Notifications: every message sent to a customer, once per (event, recipient, channel).
export class Migration20261126191000_notifications extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`notification_message\` (\`id\` text not null, \`event_id\` bigint not null, \`event_type\` text not null, \`order_id\` text null, \`channel\` text check (\`channel\` in ('EMAIL', 'SMS')) not null, \`recipient\` text not null, \`sender\` text not null, \`subject\` text null, \`text\` text not null, \`status\` text check (\`status\` in ('PENDING', 'SENT', 'FAILED')) not null default 'PENDING', \`provider\` text not null default '', \`provider_message_id\` text null, \`error\` text null, \`attempts\` integer not null default 0, \`claimed_until_ms\` bigint null, \`created_at\` datetime not null, \`sent_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`notification_message_order_id_created_at_index\` on \`notification_message\` (\`order_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`notification_message_event_id_recipient_channel_unique\` on \`notification_message\` (\`event_id\`, \`recipient\`, \`channel\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`notification_message\`;`);
  }

}
