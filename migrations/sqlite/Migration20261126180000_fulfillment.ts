import { Migration } from '@mikro-orm/migrations';

export class Migration20261126180000_fulfillment extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`shipment\` (\`id\` text not null, \`order_id\` text not null, \`location_id\` text not null, \`wave\` integer not null default 1, \`status\` text check (\`status\` in ('PENDING', 'PICKED', 'PACKED', 'LABELLED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED')) not null, \`exception_from\` text check (\`exception_from\` in ('PENDING', 'PICKED', 'PACKED', 'LABELLED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED')) null, \`carrier_code\` text null, \`tracking_number\` text null, \`tracking_url\` text null, \`label_key\` text null, \`packing_slip_key\` text null, \`estimated_delivery_at\` datetime null, \`shipped_at\` datetime null, \`delivered_at\` datetime null, \`created_at\` datetime not null, \`status_changed_at\` datetime not null, \`version\` integer not null default 1, constraint \`shipment_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on update cascade, constraint \`shipment_location_id_foreign\` foreign key(\`location_id\`) references \`stock_location\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`shipment_order_id_index\` on \`shipment\` (\`order_id\`);`);
    this.addSql(`create index \`shipment_location_id_index\` on \`shipment\` (\`location_id\`);`);
    this.addSql(`create index \`shipment_tracking_number_index\` on \`shipment\` (\`tracking_number\`);`);
    this.addSql(`create index \`shipment_location_id_status_index\` on \`shipment\` (\`location_id\`, \`status\`);`);
    this.addSql(`create index \`shipment_status_status_changed_at_index\` on \`shipment\` (\`status\`, \`status_changed_at\`);`);
    this.addSql(`create unique index \`shipment_order_id_location_id_wave_unique\` on \`shipment\` (\`order_id\`, \`location_id\`, \`wave\`);`);

    this.addSql(`create table \`shipment_line\` (\`id\` text not null, \`shipment_id\` text not null, \`order_line_id\` text not null, \`quantity\` integer not null, constraint \`shipment_line_shipment_id_foreign\` foreign key(\`shipment_id\`) references \`shipment\`(\`id\`) on update cascade, constraint \`shipment_line_order_line_id_foreign\` foreign key(\`order_line_id\`) references \`order_line\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`shipment_line_shipment_id_index\` on \`shipment_line\` (\`shipment_id\`);`);
    this.addSql(`create index \`shipment_line_order_line_id_index\` on \`shipment_line\` (\`order_line_id\`);`);
    this.addSql(`create unique index \`shipment_line_shipment_id_order_line_id_unique\` on \`shipment_line\` (\`shipment_id\`, \`order_line_id\`);`);

    this.addSql(`create table \`tracking_event\` (\`id\` text not null, \`shipment_id\` text not null, \`status\` text check (\`status\` in ('PENDING', 'PICKED', 'PACKED', 'LABELLED', 'SHIPPED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED')) not null, \`at\` datetime not null, \`location\` text null, \`description\` text null, \`recorded_at\` datetime not null, constraint \`tracking_event_shipment_id_foreign\` foreign key(\`shipment_id\`) references \`shipment\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`tracking_event_shipment_id_index\` on \`tracking_event\` (\`shipment_id\`);`);
    this.addSql(`create index \`tracking_event_shipment_id_at_index\` on \`tracking_event\` (\`shipment_id\`, \`at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`tracking_event\`;`);
    this.addSql(`drop table if exists \`shipment_line\`;`);
    this.addSql(`drop table if exists \`shipment\`;`);
  }

}
