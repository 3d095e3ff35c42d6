import { Migration } from '@mikro-orm/migrations';

// A return window per sales channel (null: the engine default, ORDO_RETURN_WINDOW_DAYS).
export class Migration20261126201000_channel_return_window extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `channel` add column `return_window_days` integer null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table `channel` drop column `return_window_days`;');
  }
}
