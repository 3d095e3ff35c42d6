// Written by hand (the schema diff sees an index by its name): the sweeper's partial index holds only
// events published and not acknowledged, no longer the unpublished ones too. Every event's INSERT and its
// claim (a new row version before it is published) added an entry to it that no query reads: the
// sweeper asks for published events only (issue 16: outbox-event.entity.ts).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261203090000_outbox_unprocessed_published extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index if exists "outbox_event_unprocessed_index";');
    this.addSql('create index "outbox_event_unprocessed_index" on "outbox_event" ("published_at_ms") where "processed_at_ms" is null and "published_at_ms" is not null;');
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "outbox_event_unprocessed_index";');
    this.addSql('create index "outbox_event_unprocessed_index" on "outbox_event" ("published_at_ms") where "processed_at_ms" is null;');
  }
}
