// The webhooks plugin's first tables, for each dialect (written by hand before `migration:create --plugin`;
// the command finds nothing to add to them). Recorded as 'Plugin_webhooks_20261126200000_initial' by a deployment.
import { Migration } from '@mikro-orm/migrations';

export class Postgresql extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "webhook_endpoint" ("id" varchar(40) not null, "url" varchar(2000) not null, "secret" varchar(200) not null, "event_type_list" text not null, "enabled" boolean not null default true, "failure_count" int not null default 0, "created_at" timestamptz not null, constraint "webhook_endpoint_pkey" primary key ("id"));`);
    this.addSql(`create table "webhook_delivery" ("id" varchar(40) not null, "endpoint_id" varchar(40) not null, "event_id" bigint not null, "event_type" varchar(100) not null, "status" text check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED')) not null default 'PENDING', "attempts" int not null default 0, "response_status" int null, "last_error" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "webhook_delivery_pkey" primary key ("id"), constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on update cascade);`);
    this.addSql(`create unique index "webhook_delivery_endpoint_id_event_id_unique" on "webhook_delivery" ("endpoint_id", "event_id");`);
    this.addSql(`create index "webhook_delivery_endpoint_id_created_at_index" on "webhook_delivery" ("endpoint_id", "created_at");`);
  }
  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery";`);
    this.addSql(`drop table if exists "webhook_endpoint";`);
  }
}

export class Sqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table `webhook_endpoint` (`id` text not null, `url` text not null, `secret` text not null, `event_type_list` text not null, `enabled` integer not null default true, `failure_count` integer not null default 0, `created_at` datetime not null, primary key (`id`));');
    this.addSql("create table `webhook_delivery` (`id` text not null, `endpoint_id` text not null, `event_id` bigint not null, `event_type` text not null, `status` text check (`status` in ('PENDING', 'SUCCEEDED', 'FAILED')) not null default 'PENDING', `attempts` integer not null default 0, `response_status` integer null, `last_error` text null, `created_at` datetime not null, `updated_at` datetime not null, constraint `webhook_delivery_endpoint_id_foreign` foreign key(`endpoint_id`) references `webhook_endpoint`(`id`) on update cascade, primary key (`id`));");
    this.addSql('create unique index `webhook_delivery_endpoint_id_event_id_unique` on `webhook_delivery` (`endpoint_id`, `event_id`);');
    this.addSql('create index `webhook_delivery_endpoint_id_created_at_index` on `webhook_delivery` (`endpoint_id`, `created_at`);');
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists `webhook_delivery`;');
    this.addSql('drop table if exists `webhook_endpoint`;');
  }
}
