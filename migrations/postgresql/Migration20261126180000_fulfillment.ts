import { Migration } from '@mikro-orm/migrations';

export class Migration20261126180000_fulfillment extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "shipment" ("id" varchar(40) not null, "order_id" varchar(40) not null, "location_id" varchar(40) not null, "wave" int not null default 1, "status" text check ("status" in ('PENDING', 'PICKED', 'PACKED', 'LABELLED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED')) not null, "exception_from" text check ("exception_from" in ('PENDING', 'PICKED', 'PACKED', 'LABELLED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED')) null, "carrier_code" varchar(64) null, "tracking_number" varchar(100) null, "tracking_url" varchar(500) null, "label_key" varchar(200) null, "packing_slip_key" varchar(200) null, "estimated_delivery_at" timestamptz null, "shipped_at" timestamptz null, "delivered_at" timestamptz null, "created_at" timestamptz not null, "status_changed_at" timestamptz not null, "version" int not null default 1, constraint "shipment_pkey" primary key ("id"));`);
    this.addSql(`create index "shipment_tracking_number_index" on "shipment" ("tracking_number");`);
    this.addSql(`create index "shipment_location_id_status_index" on "shipment" ("location_id", "status");`);
    this.addSql(`create index "shipment_status_status_changed_at_index" on "shipment" ("status", "status_changed_at");`);
    this.addSql(`alter table "shipment" add constraint "shipment_order_id_location_id_wave_unique" unique ("order_id", "location_id", "wave");`);

    this.addSql(`create table "shipment_line" ("id" varchar(40) not null, "shipment_id" varchar(40) not null, "order_line_id" varchar(40) not null, "quantity" int not null, constraint "shipment_line_pkey" primary key ("id"));`);
    this.addSql(`alter table "shipment_line" add constraint "shipment_line_shipment_id_order_line_id_unique" unique ("shipment_id", "order_line_id");`);

    this.addSql(`create table "tracking_event" ("id" varchar(40) not null, "shipment_id" varchar(40) not null, "status" text check ("status" in ('PENDING', 'PICKED', 'PACKED', 'LABELLED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED')) not null, "at" timestamptz not null, "location" varchar(200) null, "description" varchar(1000) null, "recorded_at" timestamptz not null, constraint "tracking_event_pkey" primary key ("id"));`);
    this.addSql(`create index "tracking_event_shipment_id_at_index" on "tracking_event" ("shipment_id", "at");`);

    this.addSql(`alter table "shipment" add constraint "shipment_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade;`);
    this.addSql(`alter table "shipment" add constraint "shipment_location_id_foreign" foreign key ("location_id") references "stock_location" ("id") on update cascade;`);

    this.addSql(`alter table "shipment_line" add constraint "shipment_line_shipment_id_foreign" foreign key ("shipment_id") references "shipment" ("id") on update cascade;`);
    this.addSql(`alter table "shipment_line" add constraint "shipment_line_order_line_id_foreign" foreign key ("order_line_id") references "order_line" ("id") on update cascade;`);

    this.addSql(`alter table "tracking_event" add constraint "tracking_event_shipment_id_foreign" foreign key ("shipment_id") references "shipment" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "shipment_line" drop constraint "shipment_line_shipment_id_foreign";`);

    this.addSql(`alter table "tracking_event" drop constraint "tracking_event_shipment_id_foreign";`);

    this.addSql(`drop table if exists "shipment" cascade;`);

    this.addSql(`drop table if exists "shipment_line" cascade;`);

    this.addSql(`drop table if exists "tracking_event" cascade;`);
  }

}
