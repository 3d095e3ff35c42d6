// The pieces of `migration:create` that read and write SQL text: SQLite's enum CHECK lists read back
// whole, the generator's SQL cut into single statements, and new migrations always sorting last.
import { describe, expect, it } from 'vitest';
import { enumChecksOf } from '../../scripts/sqlite-introspection.js';
import { statements } from '../../scripts/schema-diff.js';
import { cleanName, nextTimestamp } from '../../scripts/migration-files.js';

describe('migration:create, on SQL text', () => {
  it('reads every value of an enum CHECK, quotes, commas and parentheses included', () => {
    const sql = "create table `t` (`id` text not null, `kind` text check (`kind` in ('A', 'B', 'C', 'D')) not null, "
      + "`odd` text check (`odd` in ('it''s', 'a, b', 'x)y')) null default 'a, b', `two` text check (`two` in ('ON', 'OFF')) not null, primary key (`id`));";
    expect(enumChecksOf(sql)).toEqual({ kind: ['A', 'B', 'C', 'D'], odd: ["it's", 'a, b', 'x)y'], two: ['ON', 'OFF'] });
  });

  it('cuts SQL into statements at semicolons outside quotes', () => {
    expect(statements("pragma foreign_keys = on;pragma foreign_keys = off;\ncreate table `a;b` (`x` text default ';');\n\nalter table \"c\" add column \"d\" int null;"))
      .toEqual(['pragma foreign_keys = on;', 'pragma foreign_keys = off;', "create table `a;b` (`x` text default ';');", 'alter table "c" add column "d" int null;']);
  });

  it('dates a new migration after the latest one, even one dated ahead of the clock', () => {
    const now = new Date('2026-11-30T06:00:00Z');
    expect(nextTimestamp(['Migration20261126165756_initial'], now)).toBe('20261130060000');
    expect(nextTimestamp(['Migration20261126165756_initial', 'Migration20261130110000_stock_transfers'], now)).toBe('20261130110001');
    expect(nextTimestamp(['Plugin_x_20261231235959_y'], now)).toBe('20270101000000');
    expect(cleanName(' Add gift-note! ')).toBe('add_gift_note');
  });
});
