// `npm run migration:create [name]`: what the core entities need beyond the migrations so far, for SQLite
// and PostgreSQL, written as migrations/<dialect>/Migration<ts>_<name>.ts (and the dialect's index.ts).
// `npm run migration:create -- --plugin <name|dir> [name]`: the same for one plugin's own entities
// (plugins/<name>, or a plugin folder elsewhere), written into <plugin>/migrations/.
// `--check`: write nothing, say what would be written, exit 1 if anything would.
// Each dialect is compared on a scratch database built from the migrations (PostgreSQL: a fresh database
// on MIGRATION_DATABASE_URL's server, default the local postgres); nothing changed = nothing written.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { coreModules } from '../src/modules.js';
import { KERNEL_ENTITIES } from '../src/app.js';
import { orderModules, type OrdoModule } from '../src/kernel/module.js';
import { migrationsFor } from '../migrations/index.js';
import { diffDialect, DIALECTS, type DialectDiff } from './schema-diff.js';
import { cleanName, coreMigrationNames, nextTimestamp, pluginMigrationNames, writeCoreMigration, writePluginMigration } from './migration-files.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface CreateOptions {
  /** The migration's name after its timestamp ("add_gift_note"). */
  name?: string;
  /** A plugin: its name (a folder under plugins/) or the path of its folder. */
  plugin?: string;
  /** Write nothing; report what would be written. */
  check?: boolean;
  /** The PostgreSQL server for the scratch database (an admin connection URL). */
  pgServer?: string;
  /** Where progress lines go (default stdout). */
  print?: (line: string) => void;
}

export interface CreateResult {
  diffs: DialectDiff[];
  /** The files written (none with `check`, or when nothing changed). */
  written: string[];
}

export async function createMigrations(opts: CreateOptions = {}): Promise<CreateResult> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const pgServer = opts.pgServer ?? process.env.MIGRATION_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const core = orderModules(coreModules);
  const coreEntities = [...KERNEL_ENTITIES, ...core.flatMap((m) => m.entities ?? [])];
  const name = cleanName(opts.name);
  const command = `npm run migration:create -- ${[opts.plugin ? `--plugin ${opts.plugin}` : '', name].filter(Boolean).join(' ')}`.replace(/ -- $/, '');

  let diffs: DialectDiff[];
  let write: () => string[];
  let listed = true;
  if (!opts.plugin) {
    diffs = await Promise.all(DIALECTS.map((kind) => diffDialect(kind, { entities: coreEntities, migrations: migrationsFor(kind), pgServer })));
    const dirs = DIALECTS.map((kind) => join(ROOT, 'migrations', kind));
    const stamp = nextTimestamp(dirs.flatMap(coreMigrationNames));
    const className = `Migration${stamp}${name ? `_${name}` : ''}`;
    write = () => diffs.filter((d) => d.up.length).map((d) => writeCoreMigration(join(ROOT, 'migrations', d.kind), className, d, command));
  } else {
    const { plugin, dir, others } = await loadPlugin(opts.plugin, new Set(core.map((m) => m.name)));
    const folder = join(dir, 'migrations');
    if (!plugin.migrations && pluginMigrationNames(folder).length) {
      throw new Error(`plugin ${plugin.name} has migrations in ${relative(process.cwd(), folder)} but does not list them: add \`migrations\` (from './migrations/index.js') to its definePlugin({...})`);
    }
    listed = !!plugin.migrations;
    const notOurs = [...coreEntities, ...others.flatMap((m) => m.entities ?? [])];
    diffs = await Promise.all(DIALECTS.map((kind) => diffDialect(kind, {
      entities: [...notOurs, ...(plugin.entities ?? [])],
      migrations: [...migrationsFor(kind), ...[...others, plugin].flatMap((m) => m.migrations?.[kind] ?? [])],
      notOurs,
      pgServer,
    })));
    const fileName = `Plugin_${plugin.name.replace(/-/g, '_')}_${nextTimestamp(pluginMigrationNames(folder))}${name ? `_${name}` : ''}`;
    write = () => [writePluginMigration(folder, fileName, diffs, command)];
  }

  const changed = diffs.some((d) => d.up.length);
  for (const d of diffs) {
    if (!d.up.length) {
      print(`${d.kind}: nothing to do (the entities match the migrations)`);
      continue;
    }
    print(`${d.kind}: ${d.up.length} statement${d.up.length === 1 ? '' : 's'}${opts.check ? ' to write' : ''}:`);
    for (const s of d.up) print(`  ${s}`);
    for (const n of d.notes) print(`  review: ${n}`);
  }
  const written = changed && !opts.check ? write() : [];
  for (const f of written) print(`wrote ${relative(process.cwd(), f)}`);
  if (written.length && opts.plugin && !listed) print('now list them in the plugin: `migrations` from its migrations/index.js in definePlugin({...})');
  return { diffs, written };
}

/**
 * A plugin by name (plugins/<name>) or folder: its index exports the plugin, as a factory named after the
 * folder (`fraud-screen` → `fraudScreen`, called without options) or as its default export; a plugin
 * whose factory needs options exports `tables` (its name, entities and migrations) for this command. The plugins
 * it depends on are looked for beside it: their tables are theirs, and their migrations run first.
 */
async function loadPlugin(ref: string, coreNames: Set<string>): Promise<{ plugin: OrdoModule; dir: string; others: OrdoModule[] }> {
  const load = async (dir: string): Promise<OrdoModule> => {
    const file = ['index.ts', 'index.js', 'index.mjs'].map((f) => join(dir, f)).find(existsSync);
    if (!file) throw new Error(`no plugin in ${dir} (no index.ts)`);
    const exports = await import(pathToFileURL(file).href);
    const camel = basename(dir).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    for (const candidate of [exports[camel], exports.default, exports.tables]) {
      let made: unknown;
      try {
        made = typeof candidate === 'function' ? candidate() : candidate;
      } catch {
        // A factory that needs options (an API key): the plugin's `tables` export says its tables.
        continue;
      }
      if (made && typeof made === 'object' && typeof (made as OrdoModule).name === 'string') return made as OrdoModule;
    }
    throw new Error(`${relative(process.cwd(), file)} exports no plugin: export \`${camel}\` (a factory or the plugin) or a default`);
  };
  const dir = /[\\/]/.test(ref) || ref.startsWith('.') ? resolve(ref) : join(ROOT, 'plugins', ref);
  const plugin = await load(dir);
  const others: OrdoModule[] = [];
  const seen = new Set([plugin.name]);
  const visit = async (m: OrdoModule) => {
    for (const dep of m.dependsOn ?? []) {
      if (coreNames.has(dep) || seen.has(dep)) continue;
      seen.add(dep);
      const other = await load(join(dirname(dir), dep));
      await visit(other);
      others.push(other);
    }
  };
  await visit(plugin);
  return { plugin, dir, others };
}

function parseArgs(argv: string[]): CreateOptions {
  const opts: CreateOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--plugin') opts.plugin = argv[++i];
    else if (a.startsWith('--plugin=')) opts.plugin = a.slice('--plugin='.length);
    else if (a === '--check') opts.check = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (use [name] [--plugin <name|dir>] [--check])`);
    else opts.name = a;
  }
  if (opts.plugin === undefined && argv.includes('--plugin')) throw new Error('--plugin needs a plugin name or folder');
  return opts;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const { diffs } = await createMigrations(opts);
    process.exitCode = opts.check && diffs.some((d) => d.up.length) ? 1 : 0;
  } catch (e) {
    console.error(`migration:create: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}
