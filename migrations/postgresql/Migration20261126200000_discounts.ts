import { Migration } from '@mikro-orm/migrations';

// Discounts given by pricing steps at placement (loyalty points and the like), kept on the order.
export class Migration20261126200000_discounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "orders" add column "discount_total" int not null default 0, add column "discounts" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "orders" drop column "discount_total", drop column "discounts";`);
  }
}
