import { Migration } from '@mikro-orm/migrations';

export class Migration20261126165756_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`api_key\` (\`id\` text not null, \`name\` text not null, \`roles\` json not null, \`token_hash\` text not null, \`created_at\` datetime not null, \`revoked_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create unique index \`api_key_name_unique\` on \`api_key\` (\`name\`);`);
    this.addSql(`create unique index \`api_key_token_hash_unique\` on \`api_key\` (\`token_hash\`);`);

    this.addSql(`create table \`channel\` (\`id\` text not null, \`code\` text not null, \`name\` text not null, \`kind\` text check (\`kind\` in ('WEB_STORE', 'MARKETPLACE', 'SOCIAL', 'POS', 'MOBILE_APP', 'API')) not null, \`currency_code\` text not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`channel_code_unique\` on \`channel\` (\`code\`);`);

    this.addSql(`create table \`customer\` (\`id\` text not null, \`email\` text not null, \`name\` text null, \`password_hash\` text not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`customer_email_unique\` on \`customer\` (\`email\`);`);

    this.addSql(`create table \`customer_session\` (\`id\` text not null, \`customer_id\` text not null, \`token_hash\` text not null, \`expires_at\` datetime not null, \`revoked_at\` datetime null, \`created_at\` datetime not null, constraint \`customer_session_customer_id_foreign\` foreign key(\`customer_id\`) references \`customer\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`customer_session_customer_id_index\` on \`customer_session\` (\`customer_id\`);`);
    this.addSql(`create unique index \`customer_session_token_hash_unique\` on \`customer_session\` (\`token_hash\`);`);

    this.addSql(`create table \`number_sequence\` (\`channel_id\` text not null, \`kind\` text not null, \`value\` integer not null, primary key (\`channel_id\`, \`kind\`));`);

    this.addSql(`create table \`outbox_event\` (\`id\` integer not null primary key autoincrement, \`type\` text not null, \`aggregate_id\` text null, \`payload\` json not null, \`created_at_ms\` bigint not null, \`published_at_ms\` bigint null, \`processed_at_ms\` bigint null, \`claimed_until_ms\` bigint null, \`attempts\` integer not null default 0);`);
    this.addSql(`create index \`outbox_event_published_at_ms_processed_at_ms_index\` on \`outbox_event\` (\`published_at_ms\`, \`processed_at_ms\`);`);

    this.addSql(`create table \`product\` (\`id\` text not null, \`name\` text not null, \`description\` text null, \`active\` integer not null default true, \`created_at\` datetime not null, primary key (\`id\`));`);

    this.addSql(`create table \`product_variant\` (\`id\` text not null, \`sku\` text not null, \`name\` text not null, \`product_id\` text not null, \`price\` integer not null, \`currency_code\` text not null, \`weight_grams\` integer null, \`track_inventory\` integer not null default true, \`allow_backorder\` integer not null default false, \`active\` integer not null default true, constraint \`product_variant_product_id_foreign\` foreign key(\`product_id\`) references \`product\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`product_variant_sku_unique\` on \`product_variant\` (\`sku\`);`);
    this.addSql(`create index \`product_variant_product_id_index\` on \`product_variant\` (\`product_id\`);`);

    this.addSql(`create table \`setting\` (\`key\` text not null, \`value\` text not null, primary key (\`key\`));`);

    this.addSql(`create table \`shipping_method\` (\`id\` text not null, \`code\` text not null, \`name\` text not null, \`carrier_code\` text not null, \`price\` integer not null, \`currency_code\` text not null, \`min_transit_days\` integer not null, \`max_transit_days\` integer not null, \`active\` integer not null default true, primary key (\`id\`));`);
    this.addSql(`create unique index \`shipping_method_code_unique\` on \`shipping_method\` (\`code\`);`);

    this.addSql(`create table \`orders\` (\`id\` text not null, \`number\` text not null, \`status\` text check (\`status\` in ('PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) not null, \`held_from\` text check (\`held_from\` in ('PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) null, \`payment_status\` text check (\`payment_status\` in ('PENDING', 'AUTHORIZED', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED', 'DECLINED')) not null, \`channel_id\` text not null, \`customer_id\` text null, \`email\` text not null, \`external_id\` text null, \`currency_code\` text not null, \`subtotal\` integer not null, \`shipping_total\` integer not null, \`tax_total\` integer not null, \`total\` integer not null, \`tax_basis_points\` integer not null, \`ship_name\` text not null, \`ship_line1\` text not null, \`ship_line2\` text null, \`ship_city\` text not null, \`ship_region\` text null, \`ship_postal_code\` text not null, \`ship_country_code\` text not null, \`ship_phone\` text null, \`bill_name\` text null, \`bill_line1\` text null, \`bill_line2\` text null, \`bill_city\` text null, \`bill_region\` text null, \`bill_postal_code\` text null, \`bill_country_code\` text null, \`bill_phone\` text null, \`shipping_method_id\` text null, \`note\` text null, \`estimated_delivery_at\` datetime null, \`placed_at\` datetime not null, \`updated_at\` datetime not null, \`access_token_hash\` text null, \`idempotency_key\` text null, \`request_hash\` text null, \`version\` integer not null default 1, constraint \`orders_channel_id_foreign\` foreign key(\`channel_id\`) references \`channel\`(\`id\`) on update cascade, constraint \`orders_customer_id_foreign\` foreign key(\`customer_id\`) references \`customer\`(\`id\`) on delete set null on update cascade, constraint \`orders_shipping_method_id_foreign\` foreign key(\`shipping_method_id\`) references \`shipping_method\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`orders_channel_id_index\` on \`orders\` (\`channel_id\`);`);
    this.addSql(`create index \`orders_customer_id_index\` on \`orders\` (\`customer_id\`);`);
    this.addSql(`create index \`orders_shipping_method_id_index\` on \`orders\` (\`shipping_method_id\`);`);
    this.addSql(`create unique index \`orders_access_token_hash_unique\` on \`orders\` (\`access_token_hash\`);`);
    this.addSql(`create unique index \`orders_idempotency_key_unique\` on \`orders\` (\`idempotency_key\`);`);
    this.addSql(`create index \`orders_status_index\` on \`orders\` (\`status\`);`);
    this.addSql(`create index \`orders_email_index\` on \`orders\` (\`email\`);`);
    this.addSql(`create index \`orders_customer_id_id_index\` on \`orders\` (\`customer_id\`, \`id\`);`);
    this.addSql(`create unique index \`orders_channel_id_number_unique\` on \`orders\` (\`channel_id\`, \`number\`);`);

    this.addSql(`create table \`payment\` (\`id\` text not null, \`order_id\` text not null, \`method\` text not null, \`status\` text check (\`status\` in ('PENDING', 'AUTHORIZED', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED', 'DECLINED')) not null, \`amount\` integer not null, \`amount_captured\` integer not null default 0, \`amount_refunded\` integer not null default 0, \`currency_code\` text not null, \`transaction_id\` text null, \`created_at\` datetime not null, \`version\` integer not null default 1, constraint \`payment_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`payment_order_id_index\` on \`payment\` (\`order_id\`);`);

    this.addSql(`create table \`order_line\` (\`id\` text not null, \`order_id\` text not null, \`variant_id\` text null, \`sku\` text not null, \`name\` text not null, \`quantity\` integer not null, \`unit_price\` integer not null, \`tax_total\` integer not null, \`line_total\` integer not null, \`quantity_shipped\` integer not null default 0, \`quantity_returned\` integer not null default 0, \`quantity_backordered\` integer not null default 0, \`allocations\` json not null, constraint \`order_line_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on update cascade, constraint \`order_line_variant_id_foreign\` foreign key(\`variant_id\`) references \`product_variant\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`order_line_order_id_index\` on \`order_line\` (\`order_id\`);`);
    this.addSql(`create index \`order_line_variant_id_index\` on \`order_line\` (\`variant_id\`);`);

    this.addSql(`create table \`order_history_entry\` (\`id\` text not null, \`order_id\` text not null, \`at\` datetime not null, \`type\` text not null, \`from_status\` text check (\`from_status\` in ('PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) null, \`to_status\` text check (\`to_status\` in ('PENDING', 'CONFIRMED', 'ON_HOLD', 'BACKORDERED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED')) null, \`message\` text not null, \`actor\` text not null, constraint \`order_history_entry_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`order_history_entry_order_id_index\` on \`order_history_entry\` (\`order_id\`);`);
    this.addSql(`create index \`order_history_entry_order_id_id_index\` on \`order_history_entry\` (\`order_id\`, \`id\`);`);

    this.addSql(`create table \`stock_location\` (\`id\` text not null, \`code\` text not null, \`name\` text not null, \`kind\` text check (\`kind\` in ('WAREHOUSE', 'STORE', 'THIRD_PARTY_LOGISTICS', 'DROPSHIP')) not null, \`country_code\` text not null, \`region\` text null, \`priority\` integer not null default 100, \`auto_fulfill\` integer not null default false, \`active\` integer not null default true, primary key (\`id\`));`);
    this.addSql(`create unique index \`stock_location_code_unique\` on \`stock_location\` (\`code\`);`);

    this.addSql(`create table \`stock_level\` (\`id\` text not null, \`sku\` text not null, \`variant_id\` text not null, \`location_id\` text not null, \`on_hand\` integer not null default 0, \`reserved\` integer not null default 0, constraint \`stock_level_variant_id_foreign\` foreign key(\`variant_id\`) references \`product_variant\`(\`id\`) on update cascade, constraint \`stock_level_location_id_foreign\` foreign key(\`location_id\`) references \`stock_location\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`stock_level_sku_index\` on \`stock_level\` (\`sku\`);`);
    this.addSql(`create index \`stock_level_variant_id_index\` on \`stock_level\` (\`variant_id\`);`);
    this.addSql(`create index \`stock_level_location_id_index\` on \`stock_level\` (\`location_id\`);`);
    this.addSql(`create unique index \`stock_level_variant_id_location_id_unique\` on \`stock_level\` (\`variant_id\`, \`location_id\`);`);

    this.addSql(`create table \`stock_movement\` (\`id\` text not null, \`sku\` text not null, \`location_id\` text not null, \`delta\` integer not null, \`reason\` text check (\`reason\` in ('RECEIVED', 'COUNT', 'DAMAGED', 'LOST', 'CORRECTION', 'SHIPPED', 'RETURNED')) not null, \`note\` text null, \`order_id\` text null, \`at\` datetime not null, constraint \`stock_movement_location_id_foreign\` foreign key(\`location_id\`) references \`stock_location\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`stock_movement_location_id_index\` on \`stock_movement\` (\`location_id\`);`);
    this.addSql(`create index \`stock_movement_sku_id_index\` on \`stock_movement\` (\`sku\`, \`id\`);`);

    this.addSql(`create table \`tax_rate\` (\`country_code\` text not null, \`basis_points\` integer not null, primary key (\`country_code\`));`);
  }

}
