import { Migration } from '@mikro-orm/migrations';

// The countries a shipping method delivers to (null: every country); quoteOrder and placeOrder read it.
export class Migration20261130100000_shipping_countries extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `shipping_method` add column `countries` json null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table `shipping_method` drop column `countries`;');
  }
}
