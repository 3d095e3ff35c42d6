// The house rules the code must keep, read from the sources: one writer of the stock tables (the stock
// ledger), no import cycle between domain folders, a kernel that imports no domain folder, and plugins
// written only against the public API (src/index.ts). docs/architecture.md explains each.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STOCK_LEDGER = 'src/inventory/stock-ledger.ts';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

const code = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Relative imports of a file, as repository paths (`src/orders/order.entity.ts`). */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of code(file).matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    out.push(relative(ROOT, resolve(ROOT, dirname(file), m[1])).replace(/\.js$/, '.ts'));
  }
  return out;
}

/** The domain folder of a source file (`orders`), or null for the kernel and the root files. */
const folderOf = (file: string) => /^src\/([^/]+)\//.exec(file)?.[1] ?? null;

/** Where a source writes the stock tables, other than through the ledger: SQL or the ORM. */
export function stockWrites(source: string): string[] {
  const found: string[] = [];
  const sql = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(stock_level|stock_movement)\b/gi;
  const orm = /\b(create|insert|insertMany|upsert|upsertMany|nativeInsert|nativeUpdate|nativeDelete)\(\s*(StockLevel|StockMovement)\b|\bnew\s+(StockLevel|StockMovement)\s*\(/g;
  const fields = /\.\s*(onHand|reserved)\s*(\+|-)?=(?!=)/g;
  for (const re of [sql, orm, fields]) for (const m of source.matchAll(re)) found.push(m[0]);
  return found;
}

describe('the house rules', () => {
  const files = [...sources('src'), ...sources('plugins')];

  it('only the stock ledger writes stock_level and stock_movement', () => {
    const writers = files.filter((f) => f !== STOCK_LEDGER && stockWrites(code(f)).length).map((f) => `${f}: ${stockWrites(code(f)).join(', ')}`);
    expect(writers).toEqual([]);
    // The scan sees what it must: the ledger's own writes, and each way of writing.
    expect(stockWrites(code(STOCK_LEDGER)).length).toBeGreaterThanOrEqual(5);
    for (const w of ['UPDATE stock_level SET on_hand = 1', 'insert into "stock_movement" (id)', 'em.create(StockMovement, {})', 'tx.nativeUpdate(StockLevel, {}, {})', 'level.onHand -= 2', 'new StockLevel()']) {
      expect(stockWrites(w), w).toHaveLength(1);
    }
    expect(stockWrites('SELECT on_hand FROM stock_level; a.onHand === b.onHand')).toEqual([]);
  });

  it('no two domain folders import each other, directly or around a circle', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files.filter((x) => x.startsWith('src/'))) {
      const from = folderOf(f);
      if (!from || from === 'kernel') continue;
      for (const target of importsOf(f)) {
        const to = folderOf(target);
        if (to && to !== from && to !== 'kernel') (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
      }
    }
    expect(cyclesOf(edges)).toEqual([]);
    expect(cyclesOf(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]]))).toEqual([['a', 'b', 'c']]);
  });

  it('the kernel imports no domain folder (only itself and the settings)', () => {
    const outside = files
      .filter((f) => f.startsWith('src/kernel/'))
      .flatMap((f) => importsOf(f).filter((t) => !t.startsWith('src/kernel/') && t !== 'src/config.ts').map((t) => `${f} -> ${t}`));
    expect(outside).toEqual([]);
  });

  it('plugins import the engine only through its public API (src/index.ts)', () => {
    const inside = files
      .filter((f) => f.startsWith('plugins/'))
      .flatMap((f) => importsOf(f).filter((t) => t.startsWith('src/') && t !== 'src/index.ts').map((t) => `${f} -> ${t}`));
    expect(inside).toEqual([]);
  });
});

/** Strongly connected groups of more than one folder (Tarjan), each sorted. */
function cyclesOf(edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); group.push(w); } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}
