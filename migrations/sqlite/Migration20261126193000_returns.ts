import { Migration } from '@mikro-orm/migrations';

// Returns (RMA): return requests and their lines.
export class Migration20261126193000_returns extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`return_request\` (\`id\` text not null, \`number\` text not null, \`channel_id\` text not null, \`order_id\` text not null, \`status\` text check (\`status\` in ('REQUESTED', 'APPROVED', 'REJECTED', 'RECEIVED', 'REFUNDED', 'COMPLETED', 'CANCELLED')) not null, \`resolution\` text check (\`resolution\` in ('REFUND', 'EXCHANGE')) not null, \`customer_note\` text null, \`rejection_reason\` text null, \`carrier_code\` text null, \`tracking_number\` text null, \`label_key\` text null, \`location_id\` text null, \`refunded_amount\` integer null, \`exchange_order_id\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, constraint \`return_request_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on update cascade, constraint \`return_request_exchange_order_id_foreign\` foreign key(\`exchange_order_id\`) references \`orders\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`return_request_order_id_index\` on \`return_request\` (\`order_id\`);`);
    this.addSql(`create index \`return_request_exchange_order_id_index\` on \`return_request\` (\`exchange_order_id\`);`);
    this.addSql(`create index \`return_request_order_id_id_index\` on \`return_request\` (\`order_id\`, \`id\`);`);
    this.addSql(`create unique index \`return_request_channel_id_number_unique\` on \`return_request\` (\`channel_id\`, \`number\`);`);

    this.addSql(`create table \`return_line\` (\`id\` text not null, \`return_request_id\` text not null, \`order_line_id\` text not null, \`quantity\` integer not null, \`reason\` text check (\`reason\` in ('DAMAGED', 'WRONG_ITEM', 'NOT_AS_DESCRIBED', 'SIZE_OR_FIT', 'CHANGED_MIND', 'OTHER')) not null, \`quantity_received\` integer not null default 0, \`disposition\` text check (\`disposition\` in ('RESTOCK', 'DAMAGED', 'DISCARD')) null, constraint \`return_line_return_request_id_foreign\` foreign key(\`return_request_id\`) references \`return_request\`(\`id\`) on update cascade, constraint \`return_line_order_line_id_foreign\` foreign key(\`order_line_id\`) references \`order_line\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`return_line_return_request_id_index\` on \`return_line\` (\`return_request_id\`);`);
    this.addSql(`create index \`return_line_order_line_id_index\` on \`return_line\` (\`order_line_id\`);`);
    this.addSql(`create unique index \`return_line_return_request_id_order_line_id_unique\` on \`return_line\` (\`return_request_id\`, \`order_line_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`return_line\`;`);
    this.addSql(`drop table if exists \`return_request\`;`);
  }

}
