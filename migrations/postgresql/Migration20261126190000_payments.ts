import { Migration } from '@mikro-orm/migrations';

// Payments after authorization (the ledger of captures, voids and refunds), invoices and credit notes,
// and the channels' capture policy.
export class Migration20261126190000_payments extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "payment_operation" ("id" varchar(40) not null, "payment_id" varchar(40) not null, "order_id" varchar(40) not null, "kind" text check ("kind" in ('CAPTURE', 'VOID', 'REFUND')) not null, "amount" int not null, "status" text check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED')) not null default 'SUCCEEDED', "reason" varchar(500) null, "provider_transaction_id" varchar(200) null, "idempotency_key" varchar(200) null, "created_at" timestamptz not null, constraint "payment_operation_pkey" primary key ("id"));`);
    this.addSql(`create index "payment_operation_provider_transaction_id_index" on "payment_operation" ("provider_transaction_id");`);
    this.addSql(`create index "payment_operation_order_id_kind_index" on "payment_operation" ("order_id", "kind");`);
    this.addSql(`alter table "payment_operation" add constraint "payment_operation_payment_id_idempotency_key_unique" unique ("payment_id", "idempotency_key");`);
    this.addSql(`create table "invoice" ("id" varchar(40) not null, "number" varchar(40) not null, "sequence" int not null, "channel_id" varchar(40) not null, "kind" text check ("kind" in ('INVOICE', 'CREDIT_NOTE')) not null, "order_id" varchar(40) not null, "corrects_invoice_id" varchar(40) null, "source_operation_id" varchar(40) not null, "issued_at" timestamptz not null, "currency_code" varchar(3) not null, "lines" jsonb not null, "subtotal" int not null, "tax_total" int not null, "total" int not null, "seller" jsonb not null, "buyer" jsonb not null, "pdf_key" varchar(200) not null, "pdf_rendered_at" timestamptz null, constraint "invoice_pkey" primary key ("id"));`);
    this.addSql(`alter table "invoice" add constraint "invoice_source_operation_id_unique" unique ("source_operation_id");`);
    this.addSql(`create index "invoice_order_id_id_index" on "invoice" ("order_id", "id");`);
    this.addSql(`alter table "invoice" add constraint "invoice_channel_id_kind_sequence_unique" unique ("channel_id", "kind", "sequence");`);
    this.addSql(`alter table "payment_operation" add constraint "payment_operation_payment_id_foreign" foreign key ("payment_id") references "payment" ("id") on update cascade;`);
    this.addSql(`alter table "payment_operation" add constraint "payment_operation_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade;`);
    this.addSql(`alter table "invoice" add constraint "invoice_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade;`);
    this.addSql(`alter table "invoice" add constraint "invoice_corrects_invoice_id_foreign" foreign key ("corrects_invoice_id") references "invoice" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "channel" add column "capture_policy" text check ("capture_policy" in ('ON_PLACEMENT', 'ON_FIRST_SHIPMENT')) not null default 'ON_FIRST_SHIPMENT';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "invoice" drop constraint "invoice_corrects_invoice_id_foreign";`);
    this.addSql(`drop table if exists "invoice" cascade;`);
    this.addSql(`drop table if exists "payment_operation" cascade;`);
    this.addSql(`alter table "channel" drop column "capture_policy";`);
  }

}
