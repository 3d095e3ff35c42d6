// How MikroORM 6.6.16 reads a SQLite schema back, corrected where it reads it wrong, so that a diff of
// the entities against a migrated database compares like with like. Without these, `migration:create`
// proposed rebuilding 14 tables that had not changed:
// - enum columns: the CHECK (`col` in ('A', 'B', 'C')) list is split only at its last comma, so every
//   enum of three or more values came back as its first and last value, and each such table was
//   "changed" (fixed upstream for 6.x in mikro-orm/mikro-orm#8139, not released as of 6.6.16);
// - foreign keys: they are keyed by column name while the comparator removes matches by constraint
//   name, so every foreign key looked dropped (no SQL came of it, but the diff was never empty);
// - an autoincrement primary key: SQLite makes it `integer primary key autoincrement` (the rowid, 64-bit)
//   whatever the entity says, and the entity says `bigint` (outbox_event.id), so its type "changed".
// Used only by the migration scripts, on their scratch database.
import type { EntityMetadata, MikroORM } from '@mikro-orm/core';

interface Column {
  name: string;
  type: string;
  primary: boolean;
  autoincrement: boolean;
  mappedType: unknown;
}

interface ForeignKey {
  constraintName: string;
}

/** One string literal of SQL: '...' with '' for a quote inside. */
const LITERAL = /'((?:[^']|'')*)'/g;
/** `col` text check (`col` in ( ...literals... )) as MikroORM writes an enum column. */
const ENUM_CHECK = /[`"[]([^`"\]]+)[`"\]] text check \([`"[]?[^`"\]]+[`"\]]? in \(((?:\s*'(?:[^']|'')*'\s*,?)+)\)\)/gi;

/** The enum values of each column of a CREATE TABLE statement, every one of them. */
export function enumChecksOf(createTableSql: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of createTableSql.matchAll(ENUM_CHECK)) {
    out[m[1]] = [...m[2].matchAll(LITERAL)].map((l) => l[1].replace(/''/g, "'"));
  }
  return out;
}

/** Replaces the SQLite schema helper's readers on this ORM (a scratch one) with ones that read what is there. */
export function fixSqliteIntrospection(orm: MikroORM): void {
  const platform = orm.em.getPlatform();
  const helper = platform.getSchemaHelper() as any;
  const metadata = Object.values(orm.getMetadata().getAll()) as EntityMetadata[];

  helper.getEnumDefinitions = async (connection: any, _checks: unknown, tableName: string, _schema: unknown, ctx: unknown) => {
    const row = await connection.execute('select sql from sqlite_master where type = ? and name = ?', ['table', tableName], 'get', ctx);
    return enumChecksOf(row?.sql ?? '');
  };

  const mapForeignKeys = helper.mapForeignKeys.bind(helper);
  helper.mapForeignKeys = (fks: unknown[], tableName: string, schemaName?: string) => {
    const byColumn: Record<string, ForeignKey> = mapForeignKeys(fks, tableName, schemaName);
    return Object.fromEntries(Object.values(byColumn).map((fk) => [fk.constraintName, fk]));
  };

  const getColumns = helper.getColumns.bind(helper);
  helper.getColumns = async (connection: unknown, tableName: string, schemaName?: string, ctx?: unknown) => {
    const columns: Column[] = await getColumns(connection, tableName, schemaName, ctx);
    const meta = metadata.find((m) => m.tableName === tableName);
    for (const column of columns) {
      if (!column.primary || !column.autoincrement || column.type.toLowerCase() !== 'integer') continue;
      const prop = meta?.props.find((p) => p.primary && p.fieldNames?.[0] === column.name);
      const declared = prop?.columnTypes?.[0]?.toLowerCase();
      if (declared === 'bigint') {
        column.type = declared;
        column.mappedType = platform.getMappedType(declared);
      }
    }
    return columns;
  };
}
