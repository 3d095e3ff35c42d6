import { Migration } from '@mikro-orm/migrations';

export class Migration20261126165756_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_key" ("id" varchar(40) not null, "name" varchar(100) not null, "roles" jsonb not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_key" add constraint "api_key_name_unique" unique ("name");`);
    this.addSql(`alter table "api_key" add constraint "api_key_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "channel" ("id" varchar(40) not null, "code" varchar(64) not null, "name" varchar(200) not null, "kind" text check ("kind" in ('WEB_STORE', 'MARKETPLACE', 'SOCIAL', 'POS', 'MOBILE_APP', 'API')) not null, "currency_code" varchar(3) not null, "created_at" timestamptz not null, constraint "channel_pkey" primary key ("id"));`);
    this.addSql(`alter table "channel" add constraint "channel_code_unique" unique ("code");`);

    this.addSql(`create table "customer" ("id" varchar(40) not null, "email" varchar(320) not null, "name" varchar(200) null, "password_hash" varchar(300) not null, "created_at" timestamptz not null, constraint "customer_pkey" primary key ("id"));`);
    this.addSql(`alter table "customer" add constraint "customer_email_unique" unique ("email");`);

    this.addSql(`create table "customer_session" ("id" varchar(40) not null, "customer_id" varchar(40) not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "created_at" timestamptz not null, constraint "customer_session_pkey" primary key ("id"));`);
    this.addSql(`alter table "customer_session" add constraint "customer_session_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "number_sequence" ("channel_id" varchar(40) not null, "kind" varchar(32) not null, "value" int not null, constraint "number_sequence_pkey" primary key ("channel_id", "kind"));`);

    this.addSql(`create table "outbox_event" ("id" bigserial primary key, "type" varchar(100) not null, "aggregate_id" varchar(64) null, "payload" jsonb not null, "created_at_ms" bigint not null, "published_at_ms" bigint null, "processed_at_ms" bigint null, "claimed_until_ms" bigint null, "attempts" int not null default 0);`);
    this.addSql(`create index "outbox_event_published_at_ms_processed_at_ms_index" on "outbox_event" ("published_at_ms", "processed_at_ms");`);

    this.addSql(`create table "product" ("id" varchar(40) not null, "name" varchar(300) not null, "description" text null, "active" boolean not null default true, "created_at" timestamptz not null, constraint "product_pkey" primary key ("id"));`);

    this.addSql(`create table "product_variant" ("id" varchar(40) not null, "sku" varchar(100) not null, "name" varchar(300) not null, "product_id" varchar(40) not null, "price" int not null, "currency_code" varchar(3) not null, "weight_grams" int null, "track_inventory" boolean not null default true, "allow_backorder" boolean not null default false, "active" boolean not null default true, constraint "product_variant_pkey" primary key ("id"));`);
    this.addSql(`alter table "product_variant" add constraint "product_variant_sku_unique" unique ("sku");`);

    this.addSql(`create table "setting" ("key" varchar(100) not null, "value" text not null, constraint "setting_pkey" primary key ("key"));`);

    this.addSql(`create table "shipping_method" ("id" varchar(40) not null, "code" varchar(64) not null, "name" varchar(200) not null, "carrier_code" varchar(64) not null, "price" int not null, "currency_code" varchar(3) not null, "min_transit_days" int not null, "max_transit_days" int not null, "active" boolean not null default true, constraint "shipping_method_pkey" primary key ("id"));`);
    this.addSql(`alter table "shipping_method" add constraint "shipping_method_code_unique" unique ("code");`);

    this.addSql(`create table "orders" ("id" varchar(40) not null, "number" varchar(32) not null, "status" text check ("status" in ('PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) not null, "held_from" text check ("held_from" in ('PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) null, "payment_status" text check ("payment_status" in ('PENDING', 'AUTHORIZED', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED', 'DECLINED')) not null, "channel_id" varchar(40) not null, "customer_id" varchar(40) null, "email" varchar(320) not null, "external_id" varchar(200) null, "currency_code" varchar(3) not null, "subtotal" int not null, "shipping_total" int not null, "tax_total" int not null, "total" int not null, "tax_basis_points" int not null, "ship_name" varchar(200) not null, "ship_line1" varchar(300) not null, "ship_line2" varchar(300) null, "ship_city" varchar(200) not null, "ship_region" varchar(100) null, "ship_postal_code" varchar(32) not null, "ship_country_code" varchar(2) not null, "ship_phone" varchar(40) null, "bill_name" varchar(200) null, "bill_line1" varchar(300) null, "bill_line2" varchar(300) null, "bill_city" varchar(200) null, "bill_region" varchar(100) null, "bill_postal_code" varchar(32) null, "bill_country_code" varchar(2) null, "bill_phone" varchar(40) null, "shipping_method_id" varchar(40) null, "note" text null, "estimated_delivery_at" timestamptz null, "placed_at" timestamptz not null, "updated_at" timestamptz not null, "access_token_hash" varchar(64) null, "idempotency_key" varchar(64) null, "request_hash" varchar(64) null, "version" int not null default 1, constraint "orders_pkey" primary key ("id"));`);
    this.addSql(`alter table "orders" add constraint "orders_access_token_hash_unique" unique ("access_token_hash");`);
    this.addSql(`alter table "orders" add constraint "orders_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "orders_status_index" on "orders" ("status");`);
    this.addSql(`create index "orders_email_index" on "orders" ("email");`);
    this.addSql(`create index "orders_customer_id_id_index" on "orders" ("customer_id", "id");`);
    this.addSql(`alter table "orders" add constraint "orders_channel_id_number_unique" unique ("channel_id", "number");`);

    this.addSql(`create table "payment" ("id" varchar(40) not null, "order_id" varchar(40) not null, "method" varchar(64) not null, "status" text check ("status" in ('PENDING', 'AUTHORIZED', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED', 'DECLINED')) not null, "amount" int not null, "amount_captured" int not null default 0, "amount_refunded" int not null default 0, "currency_code" varchar(3) not null, "transaction_id" varchar(200) null, "created_at" timestamptz not null, "version" int not null default 1, constraint "payment_pkey" primary key ("id"));`);

    this.addSql(`create table "order_line" ("id" varchar(40) not null, "order_id" varchar(40) not null, "variant_id" varchar(40) null, "sku" varchar(100) not null, "name" varchar(300) not null, "quantity" int not null, "unit_price" int not null, "tax_total" int not null, "line_total" int not null, "quantity_shipped" int not null default 0, "quantity_returned" int not null default 0, "quantity_backordered" int not null default 0, "allocations" jsonb not null, constraint "order_line_pkey" primary key ("id"));`);

    this.addSql(`create table "order_history_entry" ("id" varchar(40) not null, "order_id" varchar(40) not null, "at" timestamptz not null, "type" varchar(64) not null, "from_status" text check ("from_status" in ('PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) null, "to_status" text check ("to_status" in ('PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) null, "message" varchar(2000) not null, "actor" varchar(100) not null, constraint "order_history_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "order_history_entry_order_id_id_index" on "order_history_entry" ("order_id", "id");`);

    this.addSql(`create table "stock_location" ("id" varchar(40) not null, "code" varchar(64) not null, "name" varchar(200) not null, "kind" text check ("kind" in ('WAREHOUSE', 'STORE', 'THIRD_PARTY_LOGISTICS', 'DROPSHIP')) not null, "country_code" varchar(2) not null, "region" varchar(100) null, "priority" int not null default 100, "auto_fulfill" boolean not null default false, "active" boolean not null default true, constraint "stock_location_pkey" primary key ("id"));`);
    this.addSql(`alter table "stock_location" add constraint "stock_location_code_unique" unique ("code");`);

    this.addSql(`create table "stock_level" ("id" varchar(40) not null, "sku" varchar(100) not null, "variant_id" varchar(40) not null, "location_id" varchar(40) not null, "on_hand" int not null default 0, "reserved" int not null default 0, constraint "stock_level_pkey" primary key ("id"));`);
    this.addSql(`create index "stock_level_sku_index" on "stock_level" ("sku");`);
    this.addSql(`alter table "stock_level" add constraint "stock_level_variant_id_location_id_unique" unique ("variant_id", "location_id");`);

    this.addSql(`create table "stock_movement" ("id" varchar(40) not null, "sku" varchar(100) not null, "location_id" varchar(40) not null, "delta" int not null, "reason" text check ("reason" in ('RECEIVED', 'COUNT', 'DAMAGED', 'LOST', 'CORRECTION', 'SHIPPED', 'RETURNED')) not null, "note" varchar(1000) null, "order_id" varchar(40) null, "at" timestamptz not null, constraint "stock_movement_pkey" primary key ("id"));`);
    this.addSql(`create index "stock_movement_sku_id_index" on "stock_movement" ("sku", "id");`);

    this.addSql(`create table "tax_rate" ("country_code" varchar(2) not null, "basis_points" int not null, constraint "tax_rate_pkey" primary key ("country_code"));`);

    this.addSql(`alter table "customer_session" add constraint "customer_session_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`);

    this.addSql(`alter table "product_variant" add constraint "product_variant_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade;`);

    this.addSql(`alter table "orders" add constraint "orders_channel_id_foreign" foreign key ("channel_id") references "channel" ("id") on update cascade;`);
    this.addSql(`alter table "orders" add constraint "orders_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "orders" add constraint "orders_shipping_method_id_foreign" foreign key ("shipping_method_id") references "shipping_method" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "payment" add constraint "payment_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade;`);

    this.addSql(`alter table "order_line" add constraint "order_line_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade;`);
    this.addSql(`alter table "order_line" add constraint "order_line_variant_id_foreign" foreign key ("variant_id") references "product_variant" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "order_history_entry" add constraint "order_history_entry_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade;`);

    this.addSql(`alter table "stock_level" add constraint "stock_level_variant_id_foreign" foreign key ("variant_id") references "product_variant" ("id") on update cascade;`);
    this.addSql(`alter table "stock_level" add constraint "stock_level_location_id_foreign" foreign key ("location_id") references "stock_location" ("id") on update cascade;`);

    this.addSql(`alter table "stock_movement" add constraint "stock_movement_location_id_foreign" foreign key ("location_id") references "stock_location" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "orders" drop constraint "orders_channel_id_foreign";`);

    this.addSql(`alter table "customer_session" drop constraint "customer_session_customer_id_foreign";`);

    this.addSql(`alter table "orders" drop constraint "orders_customer_id_foreign";`);

    this.addSql(`alter table "product_variant" drop constraint "product_variant_product_id_foreign";`);

    this.addSql(`alter table "order_line" drop constraint "order_line_variant_id_foreign";`);

    this.addSql(`alter table "stock_level" drop constraint "stock_level_variant_id_foreign";`);

    this.addSql(`alter table "orders" drop constraint "orders_shipping_method_id_foreign";`);

    this.addSql(`alter table "payment" drop constraint "payment_order_id_foreign";`);

    this.addSql(`alter table "order_line" drop constraint "order_line_order_id_foreign";`);

    this.addSql(`alter table "order_history_entry" drop constraint "order_history_entry_order_id_foreign";`);

    this.addSql(`alter table "stock_level" drop constraint "stock_level_location_id_foreign";`);

    this.addSql(`alter table "stock_movement" drop constraint "stock_movement_location_id_foreign";`);

    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`drop table if exists "channel" cascade;`);

    this.addSql(`drop table if exists "customer" cascade;`);

    this.addSql(`drop table if exists "customer_session" cascade;`);

    this.addSql(`drop table if exists "number_sequence" cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "product" cascade;`);

    this.addSql(`drop table if exists "product_variant" cascade;`);

    this.addSql(`drop table if exists "setting" cascade;`);

    this.addSql(`drop table if exists "shipping_method" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "payment" cascade;`);

    this.addSql(`drop table if exists "order_line" cascade;`);

    this.addSql(`drop table if exists "order_history_entry" cascade;`);

    this.addSql(`drop table if exists "stock_location" cascade;`);

    this.addSql(`drop table if exists "stock_level" cascade;`);

    this.addSql(`drop table if exists "stock_movement" cascade;`);

    this.addSql(`drop table if exists "tax_rate" cascade;`);
  }

}
