// Written by hand (the schema diff sees an index by its name and takes these for unchanged): the
// customer and idempotency-key indexes of orders become partial, so that a guest order placed without a
// key writes neither entry (issue 16: placeOrder's PostgreSQL work per order).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261201134000_partial_order_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index if exists "orders_customer_id_id_index";');
    this.addSql('create index "orders_customer_id_id_index" on "orders" ("customer_id", "id") where "customer_id" is not null;');
    this.addSql('alter table "orders" drop constraint if exists "orders_idempotency_key_unique";');
    this.addSql('create unique index "orders_idempotency_key_unique" on "orders" ("idempotency_key") where "idempotency_key" is not null;');
  }
}
