import { Migration } from '@mikro-orm/migrations';

const REASONS = (extra: string[]) =>
  ['RECEIVED', 'COUNT', 'DAMAGED', 'LOST', 'CORRECTION', 'SHIPPED', 'RETURNED', ...extra].map((r) => `'${r}'`).join(', ');

/** SQLite cannot change a CHECK constraint: the table is rebuilt with it (nothing references it). */
const rebuild = (reasons: string) => [
  `create table \`stock_movement__new\` (\`id\` text not null, \`sku\` text not null, \`location_id\` text not null, \`delta\` integer not null, \`reason\` text check (\`reason\` in (${reasons})) not null, \`note\` text null, \`order_id\` text null, \`at\` datetime not null, constraint \`stock_movement_location_id_foreign\` foreign key(\`location_id\`) references \`stock_location\`(\`id\`) on update cascade, primary key (\`id\`));`,
  'insert into `stock_movement__new` (`id`, `sku`, `location_id`, `delta`, `reason`, `note`, `order_id`, `at`) select `id`, `sku`, `location_id`, `delta`, `reason`, `note`, `order_id`, `at` from `stock_movement`;',
  'drop table `stock_movement`;',
  'alter table `stock_movement__new` rename to `stock_movement`;',
  'create index `stock_movement_location_id_index` on `stock_movement` (`location_id`);',
  'create index `stock_movement_sku_id_index` on `stock_movement` (`sku`, `id`);',
];

// Stock movements between locations (the stock ledger's transferOut / transferIn).
export class Migration20261130110000_stock_transfers extends Migration {
  override async up(): Promise<void> {
    for (const sql of rebuild(REASONS(['TRANSFER_OUT', 'TRANSFER_IN']))) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql("delete from `stock_movement` where `reason` in ('TRANSFER_OUT', 'TRANSFER_IN');");
    for (const sql of rebuild(REASONS([]))) this.addSql(sql);
  }
}
