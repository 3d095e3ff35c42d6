// Written by hand (the schema diff sees an index by its name): the outbox's index on (published_at_ms,
// processed_at_ms) becomes two partial indexes that hold only the events on their way, one for the relay's
// claim (unpublished, in id order) and one for the sweeper (published, not acknowledged). The sweeper
// read the old one over every event ever published (issue 16: outbox-event.entity.ts).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202213000_outbox_pending_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index if exists "outbox_event_published_at_ms_processed_at_ms_index";');
    this.addSql('create index "outbox_event_unpublished_index" on "outbox_event" ("id") where "published_at_ms" is null;');
    this.addSql('create index "outbox_event_unprocessed_index" on "outbox_event" ("published_at_ms") where "processed_at_ms" is null;');
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "outbox_event_unpublished_index";');
    this.addSql('drop index if exists "outbox_event_unprocessed_index";');
    this.addSql('create index "outbox_event_published_at_ms_processed_at_ms_index" on "outbox_event" ("published_at_ms", "processed_at_ms");');
  }
}
