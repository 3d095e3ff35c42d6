// `npm run migration:create`, run as a user runs it: nothing to do while the entities match the
// migrations (the core and the first-party plugins, on SQLite and PostgreSQL); for a plugin, its first
// migration from its entities, then exactly the column added to one of them; and the migrations it
// wrote build tables an engine then reads and writes, on both databases.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine } from '../helpers/engine.js';
import { PG_ADMIN_URL, uniqueName } from '../helpers/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  out: string;
}

/** `npm run migration:create -- <args>` in the checkout. */
function migrationCreate(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile('npm', ['run', '--silent', 'migration:create', '--', ...args], { cwd: ROOT, env: { ...process.env, MIGRATION_DATABASE_URL: PG_ADMIN_URL } }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

/** The statements the command listed for one dialect. */
function statementsFor(out: string, kind: string): string[] {
  const block = new RegExp(`^${kind}: \\d+ statements?[^\\n]*:\\n((?:  .*\\n?)*)`, 'm').exec(out);
  return block ? block[1].split('\n').filter((l) => l.startsWith('  ') && !l.startsWith('  review:')).map((l) => l.trim()) : [];
}

/** The scratch plugin's entity, as this file sees it (the class is written and compiled at run time). */
interface GiftNoteRow {
  id: string;
  message: string;
  wrap: string;
  printed: boolean;
  signature?: string | null;
  copies?: number | null;
  customer?: unknown;
}

describe('migration:create', { timeout: 180_000 }, () => {
  it('has nothing to do for the core, loyalty, webhooks or easypost, on SQLite or PostgreSQL', async () => {
    const runs = await Promise.all([migrationCreate('--check'), migrationCreate('--check', '--plugin', 'loyalty'), migrationCreate('--check', '--plugin', 'webhooks'), migrationCreate('--check', '--plugin', 'easypost')]);
    for (const run of runs) {
      expect(run.out).toContain('sqlite: nothing to do');
      expect(run.out).toContain('postgresql: nothing to do');
      expect(run.code).toBe(0);
    }
  });

  describe('a plugin of its own', () => {
    // Inside the checkout (test/.tmp is ignored by git) so that vitest compiles it like the plugins/.
    const dir = join(ROOT, 'test/.tmp', uniqueName('migration'), 'gift-notes');
    const api = relative(dir, join(ROOT, 'src/index.js')).replace(/\\/g, '/');
    afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

    const entity = (extra: string, wraps = '') => `
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Customer, newId } from '${api}';

export enum GiftWrap { NONE = 'NONE', PAPER = 'PAPER', BOX = 'BOX', RIBBON = 'RIBBON'${wraps} }

@Entity()
export class GiftNote {
  @PrimaryKey({ length: 40 }) id: string = newId('gft');
  @ManyToOne(() => Customer, { nullable: true }) customer?: Customer | null;
  @Property({ type: 'text' }) message!: string;
  @Enum({ items: () => GiftWrap }) wrap: GiftWrap = GiftWrap.PAPER;
  @Property() printed: boolean = false;
  @Property() createdAt: Date = new Date();
${extra}}
`;
    const SIGNATURE = '  @Property({ length: 200, nullable: true }) signature?: string | null;\n';
    const plugin = (withMigrations: boolean) => `
import { definePlugin } from '${api}';
import { GiftNote } from './entities.js';
${withMigrations ? "import { migrations } from './migrations/index.js';" : ''}
export function giftNotes() {
  return definePlugin({ name: 'gift-notes', entities: [GiftNote]${withMigrations ? ', migrations' : ''} });
}
`;

    it('writes its first migration for both databases from its entities', async () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'entities.ts'), entity(''));
      writeFileSync(join(dir, 'index.ts'), plugin(false));

      const run = await migrationCreate('--plugin', dir, 'initial');
      expect(run.code, run.out).toBe(0);
      expect(statementsFor(run.out, 'sqlite')).toContainEqual(expect.stringMatching(/^create table `gift_note` /));
      expect(statementsFor(run.out, 'postgresql')).toContainEqual(expect.stringMatching(/^create table "gift_note" /));
      const files = readdirSync(join(dir, 'migrations')).sort();
      expect(files).toEqual([expect.stringMatching(/^Plugin_gift_notes_\d{14}_initial\.ts$/), 'index.ts']);
    });

    it('has nothing more to do once the plugin lists them (its enum, boolean, foreign key read back as written)', async () => {
      writeFileSync(join(dir, 'index.ts'), plugin(true));
      const run = await migrationCreate('--check', '--plugin', dir);
      expect(run.out).toContain('sqlite: nothing to do');
      expect(run.out).toContain('postgresql: nothing to do');
      expect(run.code).toBe(0);
    });

    it('then proposes exactly a column added to the entity, on both databases', async () => {
      writeFileSync(join(dir, 'entities.ts'), entity(SIGNATURE));

      const check = await migrationCreate('--check', '--plugin', dir);
      expect(check.code, check.out).toBe(1);
      expect(readdirSync(join(dir, 'migrations'))).toHaveLength(2); // --check writes nothing

      const run = await migrationCreate('--plugin', dir, 'signature');
      expect(run.code, run.out).toBe(0);
      expect(statementsFor(run.out, 'sqlite')).toEqual(['alter table `gift_note` add column `signature` text null;']);
      expect(statementsFor(run.out, 'postgresql')).toEqual(['alter table "gift_note" add column "signature" varchar(200) null;']);
      const index = readFileSync(join(dir, 'migrations/index.ts'), 'utf8');
      expect(index.match(/name: 'Plugin_gift_notes_\d{14}_initial'/g)).toHaveLength(2);
      expect(index.match(/name: 'Plugin_gift_notes_\d{14}_signature'/g)).toHaveLength(2);
    });

    it('changes a table SQLite must rebuild and adds a column to it, in one migration', async () => {
      // MikroORM writes only the new column of such a table on SQLite; the command takes the diff again
      // on the scratch database until nothing is left, so the rebuild comes too.
      writeFileSync(join(dir, 'entities.ts'), entity(SIGNATURE + "  @Property({ type: 'integer', nullable: true }) copies?: number | null;\n", ", FOIL = 'FOIL'"));
      const run = await migrationCreate('--plugin', dir, 'foil');
      expect(run.code, run.out).toBe(0);
      const sqlite = statementsFor(run.out, 'sqlite');
      expect(sqlite[0]).toBe('alter table `gift_note` add column `copies` integer null;');
      expect(sqlite).toContainEqual(expect.stringMatching(/^create table `gift_note__temp_alter` .*'RIBBON', 'FOIL'\)\)/));
      expect(sqlite).toContain('alter table `gift_note__temp_alter` rename to `gift_note`;');
      expect(statementsFor(run.out, 'postgresql').sort()).toEqual([
        'alter table "gift_note" add column "copies" int null;',
        'alter table "gift_note" add constraint "gift_note_wrap_check" check("wrap" in (\'NONE\', \'PAPER\', \'BOX\', \'RIBBON\', \'FOIL\'));',
        'alter table "gift_note" drop constraint if exists "gift_note_wrap_check";',
      ]);
    });

    it.each(DB_KINDS)('its migrations build tables an engine uses, on %s', async (kind) => {
      const mod = await import(pathToFileURL(join(dir, 'index.ts')).href);
      const { GiftNote } = (await import(pathToFileURL(join(dir, 'entities.ts')).href)) as { GiftNote: new () => GiftNoteRow };
      const t = await startTestEngine(kind, { plugins: [mod.giftNotes()] });
      try {
        const em = t.em();
        const note = em.create(GiftNote, { message: 'Happy birthday', wrap: 'FOIL', signature: 'A.', copies: 2 });
        await em.flush();
        const back = await t.em().findOneOrFail(GiftNote, note.id);
        expect({ message: back.message, wrap: back.wrap, printed: back.printed, signature: back.signature, copies: back.copies, customer: back.customer }).toEqual({
          message: 'Happy birthday', wrap: 'FOIL', printed: false, signature: 'A.', copies: 2, customer: null,
        });
        // The enum's CHECK came along: a value outside it is refused by the database itself.
        await expect(t.sql("UPDATE gift_note SET wrap = 'TINSEL' WHERE id = ?", [note.id])).rejects.toThrow(/check/i);
        const applied = await t.sql<{ name: string }>('SELECT name FROM ordo_migrations WHERE name LIKE ? ORDER BY id', ['Plugin_gift_notes_%']);
        expect(applied.map((r) => r.name)).toEqual([expect.stringMatching(/_initial$/), expect.stringMatching(/_signature$/), expect.stringMatching(/_foil$/)]);
      } finally {
        await t.stop();
      }
    });
  });
});
