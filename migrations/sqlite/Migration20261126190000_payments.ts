import { Migration } from '@mikro-orm/migrations';

// Payments after authorization (the ledger of captures, voids and refunds), invoices and credit notes,
// and the channels' capture policy.
export class Migration20261126190000_payments extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`payment_operation\` (\`id\` text not null, \`payment_id\` text not null, \`order_id\` text not null, \`kind\` text check (\`kind\` in ('CAPTURE', 'VOID', 'REFUND')) not null, \`amount\` integer not null, \`status\` text check (\`status\` in ('PENDING', 'SUCCEEDED', 'FAILED')) not null default 'SUCCEEDED', \`reason\` text null, \`provider_transaction_id\` text null, \`idempotency_key\` text null, \`created_at\` datetime not null, constraint \`payment_operation_payment_id_foreign\` foreign key(\`payment_id\`) references \`payment\`(\`id\`) on update cascade, constraint \`payment_operation_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`payment_operation_payment_id_index\` on \`payment_operation\` (\`payment_id\`);`);
    this.addSql(`create index \`payment_operation_order_id_index\` on \`payment_operation\` (\`order_id\`);`);
    this.addSql(`create index \`payment_operation_provider_transaction_id_index\` on \`payment_operation\` (\`provider_transaction_id\`);`);
    this.addSql(`create index \`payment_operation_order_id_kind_index\` on \`payment_operation\` (\`order_id\`, \`kind\`);`);
    this.addSql(`create unique index \`payment_operation_payment_id_idempotency_key_unique\` on \`payment_operation\` (\`payment_id\`, \`idempotency_key\`);`);
    this.addSql(`create table \`invoice\` (\`id\` text not null, \`number\` text not null, \`sequence\` integer not null, \`channel_id\` text not null, \`kind\` text check (\`kind\` in ('INVOICE', 'CREDIT_NOTE')) not null, \`order_id\` text not null, \`corrects_invoice_id\` text null, \`source_operation_id\` text not null, \`issued_at\` datetime not null, \`currency_code\` text not null, \`lines\` json not null, \`subtotal\` integer not null, \`tax_total\` integer not null, \`total\` integer not null, \`seller\` json not null, \`buyer\` json not null, \`pdf_key\` text not null, \`pdf_rendered_at\` datetime null, constraint \`invoice_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on update cascade, constraint \`invoice_corrects_invoice_id_foreign\` foreign key(\`corrects_invoice_id\`) references \`invoice\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`invoice_order_id_index\` on \`invoice\` (\`order_id\`);`);
    this.addSql(`create index \`invoice_corrects_invoice_id_index\` on \`invoice\` (\`corrects_invoice_id\`);`);
    this.addSql(`create unique index \`invoice_source_operation_id_unique\` on \`invoice\` (\`source_operation_id\`);`);
    this.addSql(`create index \`invoice_order_id_id_index\` on \`invoice\` (\`order_id\`, \`id\`);`);
    this.addSql(`create unique index \`invoice_channel_id_kind_sequence_unique\` on \`invoice\` (\`channel_id\`, \`kind\`, \`sequence\`);`);
    this.addSql(`alter table \`channel\` add column \`capture_policy\` text check (\`capture_policy\` in ('ON_PLACEMENT', 'ON_FIRST_SHIPMENT')) not null default 'ON_FIRST_SHIPMENT';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`invoice\`;`);
    this.addSql(`drop table if exists \`payment_operation\`;`);
    this.addSql(`alter table \`channel\` drop column \`capture_policy\`;`);
  }

}
