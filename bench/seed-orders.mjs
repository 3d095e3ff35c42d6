#!/usr/bin/env node
// Fills a PostgreSQL database with a year of realistic orders, fast (COPY), for bench/scale.mjs.
//   node bench/seed-orders.mjs [--orders 1000000] [--customers 100000] [--database postgres://postgres@127.0.0.1:5432/ordo_scale]
//                              [--seed 42] [--port 4620] [--build]
// 1. (re)creates the database (its name must start with ordo_scale), starts the compiled engine once on it
//    (migrations applied at start, workers off) and sets up the catalog through the admin API: 5 channels
//    in EUR, USD and GBP, 2 stock locations, 900 SKUs, 3 shipping methods, tax rates; then stops it;
// 2. drops the constraints and indexes of the bulk tables (every definition read from the catalog first,
//    so whatever the migrations made comes back), COPYs the rows (COPY … FREEZE in the transaction that
//    truncates the table: no VACUUM needed afterwards), recreates unique keys, indexes and foreign keys
//    (the foreign keys validated: the rows hold together), sets the order-number sequences, the return
//    number counters, stock levels (onHand = sum of the ledger, reserved = sum of open allocations);
// 3. ANALYZE, then prints rows per table and the seconds of each phase. See bench/README.md.
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, RESULTS, requireFromRoot, log, parseArgs, cleanups, initCleanup, tempDir, startChild, stopChild, waitReady,
  freePort, adminSql, ensureBuilt, engineBaseEnv, admin, must, inBatches, runBench, newReport,
} from './lib.mjs';

process.chdir(ROOT);
const pg = requireFromRoot('pg');
const { from: copyFrom } = requireFromRoot('pg-copy-streams');

const A = parseArgs(process.argv.slice(2), ['build']);
const ORDERS = Number(A.orders ?? 1_000_000);
const CUSTOMERS = Number(A.customers ?? 100_000);
const DB_URL = String(A.database ?? 'postgres://postgres@127.0.0.1:5432/ordo_scale');
const SEED = Number(A.seed ?? 42);
const WANT_PORT = Number(A.port ?? 4620);
const dbName = new URL(DB_URL).pathname.slice(1);
const dbHost = new URL(DB_URL).hostname;
if (!(ORDERS >= 0) || !(CUSTOMERS >= 0) || !/^ordo_scale\w*$/.test(dbName) || !['127.0.0.1', 'localhost'].includes(dbHost)) {
  console.error('usage: node bench/seed-orders.mjs [--orders 1000000] [--customers 100000] [--database postgres://postgres@127.0.0.1:5432/ordo_scale…] [--seed 42] [--build]\n(the database is dropped and created again: its name must start with ordo_scale, on 127.0.0.1)');
  process.exit(2);
}
const serverUrl = (db) => { const u = new URL(DB_URL); u.pathname = `/${db}`; return u.toString(); };

const ctx = { startedAt: new Date().toISOString(), phases: [] };
initCleanup({ logStops: true });
const phase = async (name, fn) => {
  const t = performance.now();
  log(`${name}…`);
  const r = await fn();
  const s = (performance.now() - t) / 1000;
  ctx.phases.push([name, s]);
  log(`${name}: ${s.toFixed(1)}s`);
  return r;
};

// ---------------------------------------------------------------- deterministic randomness
let rs = SEED >>> 0 || 1;
function rnd() { // mulberry32
  rs = (rs + 0x6d2b79f5) >>> 0;
  let t = rs;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (a, b) => a + Math.floor(rnd() * (b - a + 1));
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
function weighted(pairs) { // [[value, weight], …] → () => value
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  return () => { let r = rnd() * total; for (const [v, w] of pairs) { if ((r -= w) < 0) return v; } return pairs.at(-1)[0]; };
}

// Ids as kernel/ids.ts makes them (prefix, 11 base36 chars of ms, 4 of a counter, 10 random), with the
// time of the row's own event: keyset pagination ("newest first" = id descending) sees a seeded year in order.
let idCounter = 0;
function idAt(prefix, at) {
  const ms = Math.floor(at);
  idCounter = (idCounter + 1) % 1679616;
  const r = (Math.floor(rnd() * 2176782336).toString(36).padStart(6, '0') + Math.floor(rnd() * 1679616).toString(36).padStart(4, '0'));
  return `${prefix}_${ms.toString(36).padStart(11, '0')}${idCounter.toString(36).padStart(4, '0')}${r}`;
}
const hashToken = (t) => createHash('sha256').update(t).digest('base64url');

/** A marketplace order's own reference (external_id): unique per channel, as the engine requires, random-looking. */
const marketplaceRef = (n) => `MP-${10_000_000 + ((n * 7919 + 12_345_678) % 90_000_000)}`;

// ---------------------------------------------------------------- COPY text format
function esc(v) {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}
const iso = (ms) => new Date(ms).toISOString();

const TABLES = {
  customer: ['id', 'email', 'name', 'password_hash', 'created_at', 'password_reset_hash', 'password_reset_expires_at'],
  orders: ['id', 'number', 'status', 'held_from', 'payment_status', 'channel_id', 'customer_id', 'email', 'external_id', 'currency_code',
    'subtotal', 'shipping_total', 'tax_total', 'total', 'tax_basis_points', 'ship_name', 'ship_line1', 'ship_line2', 'ship_city', 'ship_region',
    'ship_postal_code', 'ship_country_code', 'ship_phone', 'bill_name', 'bill_line1', 'bill_line2', 'bill_city', 'bill_region', 'bill_postal_code',
    'bill_country_code', 'bill_phone', 'shipping_method_id', 'note', 'estimated_delivery_at', 'placed_at', 'updated_at', 'access_token_hash',
    'idempotency_key', 'request_hash', 'version', 'discount_total', 'discounts'],
  order_line: ['id', 'order_id', 'variant_id', 'sku', 'name', 'quantity', 'unit_price', 'tax_total', 'line_total', 'quantity_shipped',
    'quantity_returned', 'quantity_backordered', 'allocations', 'quantity_cancelled'],
  order_history_entry: ['id', 'order_id', 'at', 'type', 'from_status', 'to_status', 'message', 'actor'],
  payment: ['id', 'order_id', 'method', 'status', 'amount', 'amount_captured', 'amount_refunded', 'currency_code', 'transaction_id', 'created_at',
    'version', 'captures_open', 'next_action', 'amount_disputed'],
  payment_operation: ['id', 'payment_id', 'order_id', 'kind', 'amount', 'status', 'reason', 'provider_transaction_id', 'idempotency_key', 'created_at', 'settles_change'],
  shipment: ['id', 'order_id', 'location_id', 'wave', 'status', 'exception_from', 'carrier_code', 'tracking_number', 'tracking_url', 'label_key',
    'packing_slip_key', 'estimated_delivery_at', 'shipped_at', 'delivered_at', 'created_at', 'status_changed_at', 'version'],
  shipment_line: ['id', 'shipment_id', 'order_line_id', 'quantity'],
  tracking_event: ['id', 'shipment_id', 'status', 'at', 'location', 'description', 'recorded_at'],
  return_request: ['id', 'number', 'channel_id', 'order_id', 'status', 'resolution', 'customer_note', 'rejection_reason', 'carrier_code',
    'tracking_number', 'label_key', 'location_id', 'refunded_amount', 'exchange_order_id', 'created_at', 'updated_at', 'version', 'exchange_difference'],
  return_line: ['id', 'return_request_id', 'order_line_id', 'quantity', 'reason', 'quantity_received', 'disposition', 'exchange_sku'],
  stock_movement: ['id', 'sku', 'location_id', 'delta', 'reason', 'note', 'order_id', 'at'],
};
const BULK = Object.keys(TABLES);

/** One COPY … FREEZE per table, each on its own connection, in the transaction that truncates the table. */
async function openCopies() {
  const sinks = {};
  for (const t of BULK) {
    const client = new pg.Client({ connectionString: DB_URL });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`TRUNCATE ${t}`);
    const stream = client.query(copyFrom(`COPY ${t} (${TABLES[t].join(', ')}) FROM STDIN WITH (FREEZE)`));
    const done = new Promise((res, rej) => { stream.on('finish', res); stream.on('error', rej); });
    sinks[t] = { client, stream, done, buf: [], size: 0, rows: 0 };
  }
  return sinks;
}
function put(sinks, t, values) {
  const s = sinks[t];
  const line = values.map(esc).join('\t') + '\n';
  s.buf.push(line);
  s.size += line.length;
  s.rows++;
}
/** Hands the buffered rows to the streams; waits while PostgreSQL is behind (backpressure). */
async function flush(sinks, force = false) {
  const waits = [];
  for (const s of Object.values(sinks)) {
    if (!s.size || (!force && s.size < 1 << 18)) continue;
    const ok = s.stream.write(s.buf.join(''));
    s.buf = []; s.size = 0;
    if (!ok) waits.push(new Promise((r) => s.stream.once('drain', r)));
  }
  await Promise.all(waits);
}
async function closeCopies(sinks) {
  await flush(sinks, true);
  for (const s of Object.values(sinks)) s.stream.end();
  for (const [t, s] of Object.entries(sinks)) {
    await s.done.catch((e) => { throw new Error(`COPY ${t}: ${e.message}`); });
    await s.client.query('COMMIT');
    await s.client.end();
  }
}

// ---------------------------------------------------------------- the shop (admin API)
const CHANNELS = [
  { code: 'default', name: 'Default channel', kind: 'WEB_STORE', currencyCode: 'EUR', share: 46, countries: [['DE', 70], ['AT', 12], ['NL', 10], ['FR', 8]] },
  { code: 'marketplace', name: 'EU marketplace', kind: 'MARKETPLACE', currencyCode: 'EUR', share: 20, countries: [['DE', 40], ['FR', 30], ['NL', 15], ['AT', 15]] },
  { code: 'us-web', name: 'US web store', kind: 'WEB_STORE', currencyCode: 'USD', share: 20, countries: [['US', 1]] },
  { code: 'uk-web', name: 'UK web store', kind: 'WEB_STORE', currencyCode: 'GBP', share: 9, countries: [['GB', 1]] },
  { code: 'pos-berlin', name: 'Berlin store', kind: 'POS', currencyCode: 'EUR', share: 5, countries: [['DE', 1]] },
];
const CURRENCIES = { EUR: { prefix: 'EU', location: 'eu-wh', method: 'standard', price: 495 }, USD: { prefix: 'US', location: 'us-wh', method: 'standard-us', price: 699 }, GBP: { prefix: 'UK', location: 'eu-wh', method: 'standard-uk', price: 450 } };
const SKUS_PER_CURRENCY = 300;
const TAX = { DE: 19, AT: 20, NL: 21, FR: 20, GB: 20, US: 7.25 };
const skuOf = (cur, i) => `${CURRENCIES[cur].prefix}-${String(i).padStart(4, '0')}`;
const SETUP_STOCK = 1000;

async function setupShop(url) {
  for (const c of CHANNELS) {
    if (c.code === 'default') continue;
    must(await admin(url, `mutation($i: CreateChannelInput!) { createChannel(input: $i) { id } }`,
      { i: { code: c.code, name: c.name, kind: c.kind, currencyCode: c.currencyCode } }), `createChannel ${c.code}`);
  }
  const locations = [
    { code: 'eu-wh', name: 'EU warehouse (Leipzig)', kind: 'WAREHOUSE', countryCode: 'DE', priority: 10 },
    { code: 'us-wh', name: 'US warehouse (Reno)', kind: 'WAREHOUSE', countryCode: 'US', priority: 20 },
  ];
  for (const l of locations) must(await admin(url, `mutation($i: CreateStockLocationInput!) { createStockLocation(input: $i) { id } }`, { i: l }), 'createStockLocation');
  const products = [];
  for (const cur of Object.keys(CURRENCIES)) {
    for (let p = 0; p * 100 < SKUS_PER_CURRENCY; p++) {
      const variants = [];
      for (let i = p * 100; i < (p + 1) * 100; i++) {
        variants.push({ sku: skuOf(cur, i), name: `${cur} article ${i}`, price: 499 + ((i * 37) % 120) * 100, currencyCode: cur, weightGrams: 200 + (i % 20) * 100 });
      }
      products.push({ name: `${cur} product line ${p}`, variants });
    }
  }
  await inBatches(products, 3, async (i) => must(await admin(url, `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i }), 'createProduct'));
  const stock = Object.keys(CURRENCIES).flatMap((cur) => Array.from({ length: SKUS_PER_CURRENCY }, (_, i) => [skuOf(cur, i), CURRENCIES[cur].location]));
  await inBatches(stock, 20, async ([sku, loc]) => must(await admin(url, `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`,
    { i: { sku, locationCode: loc, delta: SETUP_STOCK, reason: 'RECEIVED' } }), `adjustStock ${sku}`));
  for (const [cur, c] of Object.entries(CURRENCIES)) {
    must(await admin(url, `mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`,
      { i: { code: c.method, name: `Standard (${cur})`, carrierCode: 'sim', price: c.price, currencyCode: cur, minTransitDays: 2, maxTransitDays: 5 } }), 'createShippingMethod');
  }
  for (const [countryCode, ratePercent] of Object.entries(TAX)) {
    must(await admin(url, `mutation($i: SetTaxRateInput!) { setTaxRate(input: $i) { ratePercent } }`, { i: { countryCode, ratePercent } }), 'setTaxRate');
  }
}

async function readShop(c) {
  const q = async (sql) => (await c.query(sql)).rows;
  const channels = await q('SELECT id, code, currency_code FROM channel');
  const variants = await q('SELECT id, sku, name, price, currency_code FROM product_variant ORDER BY sku');
  const locations = await q('SELECT id, code, country_code FROM stock_location');
  const methods = await q('SELECT id, code, price, currency_code, max_transit_days FROM shipping_method');
  const taxes = await q('SELECT country_code, basis_points FROM tax_rate');
  const [secret] = await q(`SELECT value FROM setting WHERE key = 'secret'`);
  if (!secret) throw new Error('no secret in setting: did the engine start on this database?');
  return { channels, variants, locations, methods, taxes: new Map(taxes.map((t) => [t.country_code, t.basis_points])), secret: secret.value };
}

// ---------------------------------------------------------------- constraints and indexes of the bulk tables
async function takeIndexesOff(c) {
  const fks = (await c.query(`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE contype = 'f' AND (conrelid::regclass::text = ANY($1) OR confrelid::regclass::text = ANY($1))`, [BULK])).rows;
  const keys = (await c.query(`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY($1)`, [BULK])).rows;
  const indexes = (await c.query(`SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
    WHERE i.indrelid::regclass::text = ANY($1) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`, [BULK])).rows;
  for (const f of fks) await c.query(`ALTER TABLE ${f.tbl} DROP CONSTRAINT ${f.conname}`);
  for (const k of keys) await c.query(`ALTER TABLE ${k.tbl} DROP CONSTRAINT ${k.conname}`);
  for (const i of indexes) await c.query(`DROP INDEX ${i.name}`);
  return { fks, keys, indexes };
}
/** Keys and indexes, two statements at a time (2 cores), the biggest first; then the foreign keys. */
async function putIndexesBack({ fks, keys, indexes }) {
  const jobs = [...keys.map((k) => `ALTER TABLE ${k.tbl} ADD CONSTRAINT ${k.conname} ${k.def}`), ...indexes.map((i) => i.def)];
  const weight = (sql) => (/order_history_entry|tracking_event/.test(sql) ? 3 : /order_line|stock_movement|shipment_line/.test(sql) ? 2 : 1);
  jobs.sort((a, b) => weight(b) - weight(a));
  await runOnConnections(jobs, 2);
  await runOnConnections(fks.map((f) => `ALTER TABLE ${f.tbl} ADD CONSTRAINT ${f.conname} ${f.def}`), 2);
}
async function runOnConnections(statements, n) {
  const queue = [...statements];
  await Promise.all(Array.from({ length: n }, async () => {
    const c = new pg.Client({ connectionString: DB_URL });
    await c.connect();
    try {
      await c.query(`SET maintenance_work_mem = '512MB'`);
      await c.query('SET max_parallel_maintenance_workers = 0');
      for (let s; (s = queue.shift()); ) await c.query(s);
    } finally { await c.end(); }
  }));
}

// ---------------------------------------------------------------- the orders
const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hannah', 'Jonas', 'Lena', 'Lukas', 'Mia', 'Noah', 'Olivia', 'Paul', 'Sophie', 'Tom', 'Zoe', 'James', 'Mary', 'Robert', 'Linda', 'Chloé', 'Lucas'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Smith', 'Johnson', 'Brown', 'Taylor', 'Martin', 'Bernard', 'de Vries', 'Jansen', 'Huber', 'Gruber'];
const CITIES = {
  DE: [['Berlin', '10115'], ['Hamburg', '20095'], ['München', '80331'], ['Köln', '50667'], ['Leipzig', '04109'], ['Frankfurt am Main', '60311']],
  AT: [['Wien', '1010'], ['Graz', '8010'], ['Linz', '4020']], NL: [['Amsterdam', '1012 AB'], ['Rotterdam', '3011 AA'], ['Utrecht', '3511 AA']],
  FR: [['Paris', '75001'], ['Lyon', '69001'], ['Marseille', '13001']], GB: [['London', 'SW1A 1AA'], ['Manchester', 'M1 1AE'], ['Leeds', 'LS1 1UR']],
  US: [['New York', '10001'], ['Austin', '73301'], ['Seattle', '98101'], ['Chicago', '60601'], ['Denver', '80202']],
};
const DAY = 86_400_000, HOUR = 3_600_000, MIN = 60_000;
const U = (a, b) => a + rnd() * (b - a);
const money = (n, cur) => `${(n / 100).toFixed(2)} ${cur}`;

async function generate(sinks, shop) {
  const now = Date.now();
  const end = now - 10 * MIN, start = end - 365 * DAY;
  const channels = CHANNELS.map((c) => {
    const row = shop.channels.find((r) => r.code === c.code);
    const cur = c.currencyCode;
    const loc = shop.locations.find((l) => l.code === CURRENCIES[cur].location);
    const method = shop.methods.find((m) => m.code === CURRENCIES[cur].method);
    const variants = shop.variants.filter((v) => v.currency_code === cur);
    return { ...c, id: row.id, loc, method, variants, country: weighted(c.countries), next: 1001, returnNext: 0, orders: 0 };
  });
  const pickChannel = weighted(channels.map((c) => [c, c.share]));
  const perSku = new Map(shop.variants.map((v) => [v.sku, { out: 0, back: 0, reserved: 0 }])); // units shipped, restocked, reserved
  const stats = { statuses: new Map(), returns: 0, guests: 0 };

  // Customers: created over the two years before; a few buy often (skewed pick), most now and then.
  const passwordHash = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'; // no password signs in (kernel/password.ts DUMMY_HASH)
  const customers = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const created = start - Math.floor(rnd() * 365 * DAY);
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    const email = `customer${i}@example.com`;
    customers.push({ id: idAt('cus', created), email, name });
    put(sinks, 'customer', [customers[i].id, email, name, passwordHash, iso(created), null, null]);
  }
  await flush(sinks);

  // Orders per day: growth over the year, weekly rhythm, November peak, the weeks before Christmas.
  const days = Math.round((end - start) / DAY);
  const weights = [];
  for (let d = 0; d < days; d++) {
    const t = new Date(start + d * DAY);
    let w = 0.8 + 0.4 * (d / days);
    w *= [1.15, 1.1, 1.0, 1.0, 0.95, 0.9, 0.85][t.getUTCDay()];
    const m = t.getUTCMonth(), dd = t.getUTCDate();
    if (m === 10 && dd >= 24) w *= 2.4;
    else if (m === 11 && dd <= 20) w *= 1.5;
    weights.push(w);
  }
  const wsum = weights.reduce((a, b) => a + b, 0);
  const perDay = weights.map((w) => Math.floor((w / wsum) * ORDERS));
  for (let i = 0, left = ORDERS - perDay.reduce((a, b) => a + b, 0); left > 0; i = (i + 1) % days, left--) perDay[i]++;

  const lineCount = weighted([[1, 48], [2, 30], [3, 14], [4, 8]]);
  const qtyOf = weighted([[1, 82], [2, 13], [3, 5]]);
  const returnReason = weighted([['SIZE_OR_FIT', 40], ['CHANGED_MIND', 25], ['DAMAGED', 10], ['NOT_AS_DESCRIBED', 15], ['WRONG_ITEM', 5], ['OTHER', 5]]);
  let n = 0;
  for (let d = 0; d < days; d++) {
    const times = Array.from({ length: perDay[d] }, () => start + d * DAY + Math.floor(rnd() * DAY)).sort((a, b) => a - b);
    for (const t0 of times) {
      order(t0);
      if (++n % 2000 === 0) await flush(sinks);
      if (n % 100_000 === 0) log(`  ${n} orders`);
    }
  }

  function order(t0) {
    const ch = pickChannel();
    const cur = ch.currencyCode;
    const guest = !CUSTOMERS || rnd() < 0.3;
    const cust = guest ? null : customers[Math.min(CUSTOMERS - 1, Math.floor(CUSTOMERS * rnd() ** 1.3))];
    if (guest) stats.guests++;
    const id = idAt('ord', t0);
    const number = String(ch.next++);
    ch.orders++;
    const country = ch.country();
    const bp = shop.taxes.get(country);
    const [city, zip] = pick(CITIES[country]);
    const email = cust ? cust.email : `guest${int(1, 5_000_000)}@example.net`;
    const name = cust ? cust.name : `${pick(FIRST)} ${pick(LAST)}`;
    const manual = rnd() < 0.03;
    const age = end - t0;

    // What happens to it, and when (events after now have not happened yet).
    const tShip = t0 + U(0.3, 2.5) * DAY, tRoute = t0 + U(0.05, 0.8) * (tShip - t0), tDeliver = tShip + U(1, 5) * DAY;
    let fate = 'normal';
    const r = rnd();
    if (manual) fate = r < 0.7 ? 'paidLater' : 'unpaid';
    else if (r < 0.05) fate = 'cancelled';
    else if (r < 0.055 || (age < 10 * DAY && r < 0.075)) fate = 'held';
    else if (r < 0.065) fate = 'lost'; // shipped, never delivered
    const tPaid = t0 + U(2, 48) * HOUR;
    const tCancel = t0 + U(10, 600) * MIN;
    const tStart = fate === 'paidLater' ? tPaid : t0; // when it became CONFIRMED
    const at = (t) => t <= end;

    // Lines.
    const lines = [];
    const chosen = new Set();
    for (let k = lineCount(); lines.length < k; ) {
      const v = ch.variants[Math.min(ch.variants.length - 1, Math.floor(ch.variants.length * rnd() ** 1.5))];
      if (chosen.has(v.sku)) { if (chosen.size >= ch.variants.length) break; continue; }
      chosen.add(v.sku);
      const q = qtyOf();
      const net = v.price * q, tax = Math.floor((net * bp + 5000) / 10000);
      lines.push({ id: idAt('oln', t0), v, q, net, tax, total: net + tax, shipped: 0, returned: 0, alloc: [] });
    }
    const shipping = ch.method.price;
    const subtotal = lines.reduce((s, l) => s + l.net, 0);
    const taxTotal = lines.reduce((s, l) => s + l.tax, 0) + Math.floor((shipping * bp + 5000) / 10000);
    const total = subtotal + shipping + taxTotal;

    const hist = [];
    const h = (t, type, message, actor = 'system', from = null, to = null) => hist.push([idAt('his', t), id, iso(t), type, from, to, message, actor]);
    const buyerActor = 'customer';
    let status = 'PENDING', heldFrom = null, payStatus = manual ? 'PENDING' : 'AUTHORIZED', updated = t0, version = 1;
    const move = (t, to, message, actor = 'system') => { h(t, 'STATUS_CHANGED', message, actor, status, to); status = to; updated = t; version++; };
    h(t0, 'ORDER_PLACED', `Order ${number} placed by ${email}.`, buyerActor, null, 'PENDING');
    const payId = idAt('pay', t0);
    const txn = `tc_auth_${payId.slice(4, 20)}`;
    const ops = [];
    let captured = 0, refunded = 0;

    if (!manual) move(t0, 'CONFIRMED', 'Payment authorized and stock reserved.', buyerActor);
    else if (fate === 'paidLater' && at(tPaid)) {
      payStatus = 'AUTHORIZED';
      h(tPaid, 'PAYMENT_AUTHORIZED', `Payment of ${money(total, cur)} received (manual).`, 'bench-admin');
      move(tPaid, 'CONFIRMED', 'Payment received.', 'bench-admin');
    } else if (fate === 'unpaid' && at(t0 + 3 * DAY)) { // housekeeping cancels unpaid orders after ORDO_UNPAID_ORDER_TTL_MS
      move(t0 + 3 * DAY, 'CANCELLED', 'Order cancelled: not paid in time. Reserved stock released.');
      payStatus = 'VOIDED';
    }

    let shipment = null;
    if (status === 'CONFIRMED') {
      if (fate === 'cancelled' && at(tCancel)) {
        move(tCancel, 'CANCELLED', `Order cancelled. Reserved stock released, payment authorization voided.`, rnd() < 0.6 ? buyerActor : 'bench-admin');
        h(tCancel, 'PAYMENT_VOIDED', `Payment authorization of ${money(total, cur)} voided`, 'system');
        ops.push([idAt('pop', tCancel), payId, id, 'VOID', total, 'SUCCEEDED', null, `tc_void_${payId.slice(4, 20)}`, `void-${payId}`, iso(tCancel), false]);
        payStatus = 'VOIDED';
      } else if (fate === 'held') {
        const th = tStart + U(1, 20) * MIN;
        if (at(th)) { heldFrom = 'CONFIRMED'; move(th, 'ON_HOLD', 'Order put on hold: address check.', 'bench-admin'); }
      } else if (fate !== 'cancelled') {
        const route = Math.max(tRoute, tStart + 5 * MIN), ship = Math.max(tShip, route + 2 * HOUR), deliver = tDeliver + (ship - tShip);
        if (at(route)) {
          shipment = { id: idAt('shp', route), created: route, status: 'PENDING', changed: route, shipped: null, delivered: null, events: [] };
          h(route, 'SHIPMENT_CREATED', `Shipment from ${ch.loc.code} created for ${lines.reduce((s, l) => s + l.q, 0)} unit(s).`);
          move(route, 'IN_FULFILLMENT', 'Shipments created.');
          const steps = [['PICKED', route + U(0.1, 0.3) * (ship - route)], ['PACKED', route + U(0.4, 0.6) * (ship - route)], ['LABELLED', route + U(0.7, 0.9) * (ship - route)]];
          for (const [st, t] of steps) if (at(t)) { shipment.status = st; shipment.changed = t; h(t, `SHIPMENT_${st}`, `Shipment ${st.toLowerCase()}.`); }
        }
        if (at(ship)) {
          shipment.status = 'SHIPPED'; shipment.changed = ship; shipment.shipped = ship;
          shipment.events.push(['SHIPPED', ship, ch.loc.code, 'Handed to the carrier.']);
          h(ship, 'SHIPMENT_SHIPPED', 'Shipment shipped.');
          captured = total; payStatus = 'PAID';
          ops.push([idAt('pop', ship), payId, id, 'CAPTURE', total, 'SUCCEEDED', null, `tc_cap_${payId.slice(4, 20)}`, `capture-${payId}`, iso(ship), false]);
          h(ship, 'PAYMENT_CAPTURED', `Payment of ${money(total, cur)} captured.`);
          move(ship, 'SHIPPED', 'Every unit has shipped.');
          for (const l of lines) l.shipped = l.q;
          const transit = ship + U(0.2, 0.6) * (deliver - ship);
          if (at(transit)) { shipment.status = 'IN_TRANSIT'; shipment.changed = transit; shipment.events.push(['IN_TRANSIT', transit, 'Hub', 'In transit.']); }
          if (fate !== 'lost') {
            const out = deliver - U(2, 8) * HOUR;
            if (at(out)) { shipment.status = 'OUT_FOR_DELIVERY'; shipment.changed = out; shipment.events.push(['OUT_FOR_DELIVERY', out, city, 'Out for delivery.']); }
            if (at(deliver)) {
              shipment.status = 'DELIVERED'; shipment.changed = deliver; shipment.delivered = deliver;
              shipment.events.push(['DELIVERED', deliver, city, 'Delivered.']);
              h(deliver, 'SHIPMENT_DELIVERED', 'Shipment delivered.');
              move(deliver, 'DELIVERED', 'Every shipment has been delivered.');
            }
          }
        }
      }
    }

    // Stock: units not shipped of an order that is not cancelled stay reserved at the channel's location.
    for (const l of lines) {
      const s = perSku.get(l.v.sku);
      if (status === 'CANCELLED') continue;
      if (l.shipped) { s.out += l.shipped; continue; }
      l.alloc = [{ locationId: ch.loc.id, quantity: l.q }];
      s.reserved += l.q;
    }

    // Returns: of some delivered orders, one line, asked for within 20 days of delivery.
    let ret = null;
    if (status === 'DELIVERED' && rnd() < 0.06) {
      const tReq = shipment.delivered + U(1, 20) * DAY;
      if (at(tReq)) {
        const l = pick(lines);
        const q = int(1, l.q);
        const fateR = rnd();
        const retId = idAt('ret', tReq);
        const num = `RMA-${ch.code.toUpperCase()}-${String(++ch.returnNext).padStart(6, '0')}`;
        ret = { id: retId, number: num, status: 'REQUESTED', created: tReq, updated: tReq, version: 1, refunded: null, rejection: null, line: l, q, received: 0, disposition: null, reason: returnReason() };
        stats.returns++;
        const hr = (t, st, message, actor = 'system') => { ret.status = st; ret.updated = t; ret.version++; h(t, `RETURN_${st}`, message, actor); };
        h(tReq, 'RETURN_REQUESTED', `Return ${num} requested for ${q}× ${l.v.sku}; resolution REFUND.`, buyerActor);
        const tAppr = tReq + U(1, 24) * HOUR, tRecv = tAppr + U(2, 8) * DAY, tRef = tRecv + U(5, 120) * MIN;
        if (fateR < 0.05) { if (at(tAppr)) { ret.rejection = 'Outside the return conditions.'; hr(tAppr, 'REJECTED', `Return ${num} rejected: Outside the return conditions.`, 'bench-admin'); } }
        else if (fateR < 0.08) { if (at(tAppr)) hr(tAppr, 'CANCELLED', `Return ${num} cancelled.`, buyerActor); }
        else if (at(tAppr)) {
          hr(tAppr, 'APPROVED', `Return ${num} approved.`, 'bench-admin');
          if (at(tRecv)) {
            ret.received = q; ret.disposition = 'RESTOCK';
            l.returned = q;
            perSku.get(l.v.sku).back += q;
            hr(tRecv, 'RECEIVED', `Return ${num} received: ${q}× ${l.v.sku} restocked.`, 'bench-admin');
            ret.movement = [idAt('mov', tRecv), l.v.sku, ch.loc.id, q, 'RETURNED', `Return ${num}`, id, iso(tRecv)];
            if (at(tRef)) {
              const amount = Math.round((l.total * q) / l.q);
              refunded = amount; ret.refunded = amount;
              payStatus = amount >= captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
              ops.push([idAt('pop', tRef), payId, id, 'REFUND', amount, 'SUCCEEDED', `Return ${num}`, `tc_ref_${retId.slice(4, 20)}`, `refund-${retId}`, iso(tRef), false]);
              h(tRef, 'PAYMENT_REFUNDED', `Refund of ${money(amount, cur)} for return ${num}.`);
              hr(tRef, 'REFUNDED', `Return ${num} refunded: ${money(amount, cur)}.`);
            }
          }
        }
        if (ret.updated > updated) updated = ret.updated;
      }
    }

    // Rows.
    const st = stats.statuses;
    st.set(status, (st.get(status) ?? 0) + 1);
    const token = 'ot_' + createHmac('sha256', shop.secret).update(`order-access:${id}`).digest('base64url');
    put(sinks, 'orders', [id, number, status, heldFrom, payStatus, ch.id, cust?.id ?? null, email, ch.kind === 'MARKETPLACE' ? marketplaceRef(Number(number)) : null, cur,
      subtotal, shipping, taxTotal, total, bp, name, `${pick(['Hauptstr.', 'Main St', 'Rue de la Paix', 'High Street', 'Kerkstraat'])} ${int(1, 200)}`, null, city, null, zip, country, null,
      null, null, null, null, null, null, null, null, ch.method.id, rnd() < 0.05 ? 'Please leave at the door.' : null,
      iso(t0 + ch.method.max_transit_days * DAY), iso(t0), iso(updated), hashToken(token), null, null, version, 0, null]);
    for (const l of lines) {
      put(sinks, 'order_line', [l.id, id, l.v.id, l.v.sku, l.v.name, l.q, l.v.price, l.tax, l.total, l.shipped, l.returned, 0, l.alloc, 0]);
    }
    for (const row of hist) put(sinks, 'order_history_entry', row);
    put(sinks, 'payment', [payId, id, manual ? 'manual' : 'test-card', payStatus, total, captured, refunded, cur,
      manual ? null : txn, iso(t0), 1 + ops.length, false, null, 0]);
    for (const op of ops) put(sinks, 'payment_operation', op);
    if (shipment) {
      put(sinks, 'shipment', [shipment.id, id, ch.loc.id, 1, shipment.status, null, 'sim', shipment.shipped ? `SIM${shipment.id.slice(4, 18).toUpperCase()}` : null, null, null, null,
        iso(t0 + ch.method.max_transit_days * DAY), shipment.shipped ? iso(shipment.shipped) : null, shipment.delivered ? iso(shipment.delivered) : null,
        iso(shipment.created), iso(shipment.changed), 1 + shipment.events.length]);
      for (const l of lines) put(sinks, 'shipment_line', [idAt('shl', shipment.created), shipment.id, l.id, l.q]);
      for (const [s, t, loc, desc] of shipment.events) put(sinks, 'tracking_event', [idAt('trk', t), shipment.id, s, iso(t), loc, desc, iso(t + 2 * MIN)]);
      if (shipment.shipped) {
        for (const l of lines) put(sinks, 'stock_movement', [idAt('mov', shipment.shipped), l.v.sku, ch.loc.id, -l.q, 'SHIPPED', `Shipment ${shipment.id}`, id, iso(shipment.shipped)]);
      }
    }
    if (ret) {
      put(sinks, 'return_request', [ret.id, ret.number, ch.id, id, ret.status, 'REFUND', null, ret.rejection, null, null, null, ch.loc.id, ret.refunded, null,
        iso(ret.created), iso(ret.updated), ret.version, null]);
      put(sinks, 'return_line', [idAt('rtl', ret.created), ret.id, ret.line.id, ret.q, ret.reason, ret.received, ret.disposition, null]);
      if (ret.movement) put(sinks, 'stock_movement', ret.movement);
    }
  }

  // The ledger's first entries: what was received before the year, enough for what shipped and plenty more.
  for (const v of shop.variants) {
    const s = perSku.get(v.sku);
    const loc = shop.locations.find((l) => l.code === CURRENCIES[v.currency_code].location);
    s.received = s.out - s.back + s.reserved + 200_000;
    put(sinks, 'stock_movement', [idAt('mov', start - DAY), v.sku, loc.id, s.received, 'RECEIVED', 'Opening stock', null, iso(start - DAY)]);
    s.locationId = loc.id;
  }
  return { channels, perSku, stats, start, end };
}

// ---------------------------------------------------------------- main
await runBench(ctx, 'seed-orders.md', async () => {
  ctx.staleNote = await ensureBuilt(A.build);
  if (ctx.staleNote) log(ctx.staleNote);
  const t0 = performance.now();

  await phase('create database, migrate and set up the catalog through the admin API', async () => {
    await adminSql(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await adminSql(`CREATE DATABASE ${dbName}`);
    // Storage that answers random reads about as fast as sequential ones (SSD, or a working set in RAM): the
    // setting docs/indexes.md recommends. With the default 4 the planner prefers walking the primary key for
    // some first pages (newest DELIVERED orders of a channel) over the index made for them.
    await adminSql(`ALTER DATABASE ${dbName} SET random_page_cost = 1.1`);
    const port = await freePort(WANT_PORT);
    const env = { ...engineBaseEnv(tempDir('ordo-seed-')), DATABASE_URL: DB_URL, PORT: String(port), LOG_LEVEL: 'warn', ORDO_DISABLE_WORKERS: '1' };
    const engine = startChild(['dist/src/main.js'], { env }, 'engine');
    const base = `http://127.0.0.1:${port}`;
    await waitReady(engine, base);
    await setupShop(`${base}/graphql`);
    await stopChild(engine, 20_000);
  });

  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  cleanups.push(() => c.end());
  const shop = await readShop(c);
  const saved = await phase('drop keys and indexes of the bulk tables', () => takeIndexesOff(c));
  let gen, sinks;
  await phase('generate and COPY', async () => {
    sinks = await openCopies();
    gen = await generate(sinks, shop);
    await closeCopies(sinks);
  });
  ctx.copied = Object.fromEntries(Object.entries(sinks).map(([t, s]) => [t, s.rows]));
  await phase('recreate keys, indexes, foreign keys (validated)', () => putIndexesBack(saved));

  await phase('sequences, counters, stock levels, outbox', async () => {
    for (const ch of gen.channels) {
      await c.query(`SELECT setval('order_no_${ch.id.replace(/[^a-z0-9_]/g, '')}', $1, true)`, [ch.next - 1]);
      if (ch.returnNext) await c.query(`INSERT INTO number_sequence (channel_id, kind, value) VALUES ($1, 'return', $2) ON CONFLICT (channel_id, kind) DO UPDATE SET value = excluded.value`, [ch.id, ch.returnNext]);
    }
    const rows = [...gen.perSku].map(([sku, s]) => [sku, s.locationId, s.received - s.out + s.back, s.reserved]);
    await c.query(`UPDATE stock_level sl SET on_hand = v.on_hand, reserved = v.reserved
      FROM (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS t(sku, location_id, on_hand, reserved)) v
      WHERE sl.sku = v.sku AND sl.location_id = v.location_id`, [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])]);
    // The setup's own events (product created, stock adjusted) as handled: a fresh engine has nothing to catch up on.
    await c.query('UPDATE outbox_event SET published_at_ms = created_at_ms, processed_at_ms = created_at_ms WHERE published_at_ms IS NULL');
  });
  await phase('ANALYZE', () => c.query('ANALYZE'));

  ctx.total = (performance.now() - t0) / 1000;
  const counts = {};
  for (const t of [...BULK, 'stock_level', 'product_variant', 'channel']) counts[t] = Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  ctx.counts = counts;
  ctx.size = (await c.query('SELECT pg_size_pretty(pg_database_size(current_database())) AS s')).rows[0].s;
  ctx.statuses = [...gen.stats.statuses].sort((a, b) => b[1] - a[1]);
  ctx.check = (await c.query(`SELECT (SELECT count(*) FROM stock_level WHERE on_hand <> (SELECT coalesce(sum(delta), 0) FROM stock_movement m WHERE m.sku = stock_level.sku AND m.location_id = stock_level.location_id)) AS ledger_mismatches,
    (SELECT count(*) FROM stock_level WHERE reserved > on_hand) AS over_reserved`)).rows[0];
  ctx.stats = gen.stats;
  ctx.channels = gen.channels.map((ch) => `${ch.code} (${ch.currencyCode}): ${ch.orders} orders, numbers 1001…${ch.next - 1}, ${ch.returnNext} returns`);
  ctx.window = `${iso(gen.start)} … ${iso(gen.end)}`;
}, () => {
  const { L, md, block, done } = newReport();
  md.push('# Seed: a year of orders', '', `Run ${ctx.startedAt}, --orders ${ORDERS} --customers ${CUSTOMERS} --seed ${SEED}, database ${dbName}.`, '');
  block('Phases (seconds)', [...ctx.phases.map(([p, s]) => `${s.toFixed(1).padStart(7)}  ${p}`), ...(ctx.total ? [`${ctx.total.toFixed(1).padStart(7)}  total`] : [])]);
  if (ctx.counts) block('Rows per table', Object.entries(ctx.counts).map(([t, n]) => `${String(n).padStart(10)}  ${t}`).concat([`database size ${ctx.size}`]));
  if (ctx.statuses) block('Orders by status', [...ctx.statuses.map(([s, n]) => `${String(n).padStart(9)}  ${s}`), `guest orders ${ctx.stats.guests}, returns ${ctx.stats.returns}`, `placed ${ctx.window}`]);
  if (ctx.channels) block('Channels', ctx.channels);
  if (ctx.check) block('Checks', [`stock levels whose onHand differs from the sum of their ledger: ${ctx.check.ledger_mismatches}`, `stock levels with reserved > onHand: ${ctx.check.over_reserved}`]);
  if (ctx.failure) block('SEED FAILED', [ctx.failure]);
  return done();
});
