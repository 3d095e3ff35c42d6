// The loyalty plugin's first tables, for each dialect (written by hand before `migration:create --plugin`;
// the command finds nothing to add to them). Recorded as 'Plugin_loyalty_20261126210000_initial' by a deployment.
import { Migration } from '@mikro-orm/migrations';

export class Postgresql extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "loyalty_account" ("customer_id" varchar(40) not null, "balance" int not null default 0, "lifetime_earned" int not null default 0, "updated_at" timestamptz not null, constraint "loyalty_account_pkey" primary key ("customer_id"), constraint "loyalty_account_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade);`);
    this.addSql(`create table "loyalty_ledger_entry" ("id" varchar(40) not null, "customer_id" varchar(40) not null, "order_id" varchar(40) null, "kind" text check ("kind" in ('EARNED', 'REDEEMED', 'REVERSED', 'RESTORED', 'ADJUSTED')) not null, "points" int not null, "balance_after" int not null, "source_key" varchar(120) not null, "note" text null, "created_at" timestamptz not null, constraint "loyalty_ledger_entry_pkey" primary key ("id"), constraint "loyalty_ledger_entry_customer_id_foreign" foreign key ("customer_id") references "loyalty_account" ("customer_id") on update cascade);`);
    this.addSql(`create unique index "loyalty_ledger_entry_source_key_unique" on "loyalty_ledger_entry" ("source_key");`);
    this.addSql(`create index "loyalty_ledger_entry_customer_id_id_index" on "loyalty_ledger_entry" ("customer_id", "id");`);
    this.addSql(`create index "loyalty_ledger_entry_order_id_index" on "loyalty_ledger_entry" ("order_id");`);
  }
  override async down(): Promise<void> {
    this.addSql(`drop table if exists "loyalty_ledger_entry";`);
    this.addSql(`drop table if exists "loyalty_account";`);
  }
}

export class Sqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table `loyalty_account` (`customer_id` text not null, `balance` integer not null default 0, `lifetime_earned` integer not null default 0, `updated_at` datetime not null, constraint `loyalty_account_customer_id_foreign` foreign key(`customer_id`) references `customer`(`id`) on update cascade, primary key (`customer_id`));');
    this.addSql("create table `loyalty_ledger_entry` (`id` text not null, `customer_id` text not null, `order_id` text null, `kind` text check (`kind` in ('EARNED', 'REDEEMED', 'REVERSED', 'RESTORED', 'ADJUSTED')) not null, `points` integer not null, `balance_after` integer not null, `source_key` text not null, `note` text null, `created_at` datetime not null, constraint `loyalty_ledger_entry_customer_id_foreign` foreign key(`customer_id`) references `loyalty_account`(`customer_id`) on update cascade, primary key (`id`));");
    this.addSql('create unique index `loyalty_ledger_entry_source_key_unique` on `loyalty_ledger_entry` (`source_key`);');
    this.addSql('create index `loyalty_ledger_entry_customer_id_id_index` on `loyalty_ledger_entry` (`customer_id`, `id`);');
    this.addSql('create index `loyalty_ledger_entry_order_id_index` on `loyalty_ledger_entry` (`order_id`);');
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists `loyalty_ledger_entry`;');
    this.addSql('drop table if exists `loyalty_account`;');
  }
}
