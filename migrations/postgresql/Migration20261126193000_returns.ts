import { Migration } from '@mikro-orm/migrations';

// Returns (RMA): return requests and their lines.
export class Migration20261126193000_returns extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "return_request" ("id" varchar(40) not null, "number" varchar(40) not null, "channel_id" varchar(40) not null, "order_id" varchar(40) not null, "status" text check ("status" in ('REQUESTED', 'APPROVED', 'REJECTED', 'RECEIVED', 'REFUNDED', 'COMPLETED', 'CANCELLED')) not null, "resolution" text check ("resolution" in ('REFUND', 'EXCHANGE')) not null, "customer_note" text null, "rejection_reason" text null, "carrier_code" varchar(64) null, "tracking_number" varchar(100) null, "label_key" varchar(200) null, "location_id" varchar(40) null, "refunded_amount" int null, "exchange_order_id" varchar(40) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, constraint "return_request_pkey" primary key ("id"));`);
    this.addSql(`create index "return_request_order_id_id_index" on "return_request" ("order_id", "id");`);
    this.addSql(`alter table "return_request" add constraint "return_request_channel_id_number_unique" unique ("channel_id", "number");`);

    this.addSql(`create table "return_line" ("id" varchar(40) not null, "return_request_id" varchar(40) not null, "order_line_id" varchar(40) not null, "quantity" int not null, "reason" text check ("reason" in ('DAMAGED', 'WRONG_ITEM', 'NOT_AS_DESCRIBED', 'SIZE_OR_FIT', 'CHANGED_MIND', 'OTHER')) not null, "quantity_received" int not null default 0, "disposition" text check ("disposition" in ('RESTOCK', 'DAMAGED', 'DISCARD')) null, constraint "return_line_pkey" primary key ("id"));`);
    this.addSql(`alter table "return_line" add constraint "return_line_return_request_id_order_line_id_unique" unique ("return_request_id", "order_line_id");`);

    this.addSql(`alter table "return_request" add constraint "return_request_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade;`);
    this.addSql(`alter table "return_request" add constraint "return_request_exchange_order_id_foreign" foreign key ("exchange_order_id") references "orders" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "return_line" add constraint "return_line_return_request_id_foreign" foreign key ("return_request_id") references "return_request" ("id") on update cascade;`);
    this.addSql(`alter table "return_line" add constraint "return_line_order_line_id_foreign" foreign key ("order_line_id") references "order_line" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "return_line" cascade;`);
    this.addSql(`drop table if exists "return_request" cascade;`);
  }

}
