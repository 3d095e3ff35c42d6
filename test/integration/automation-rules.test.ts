// Automation rules on both databases (docs/automation.md): a DE order over 1,000.00 EUR is held, tagged,
// noted and staff mailed once — the event's job run again does nothing twice — while a small order is left
// alone; the dry run lists exactly the orders the condition matches; malformed conditions are refused with
// the path of the problem; a webhook is delivered once with a signature that verifies; a disabled rule
// does nothing; cancel-if-unpaid cancels an unpaid order; a scheduled rule runs over the changed orders.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { parseMail } from '../helpers/mail.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';

const CREATE = `mutation($i: CreateAutomationRuleInput!) { createAutomationRule(input: $i) {
  id name enabled triggerEvent everyMinutes condition channelCodes actions { type reason tags text emails url } } }`;
const RULE = `query($id: ID!, $n: Int) { automationRule(id: $id) { id enabled runs(first: $n) { event eventId matched actionsDone error order { id } } } }`;
const DRY = `query($id: ID!, $c: JSONObject) { dryRunAutomationRule(id: $id, first: 100, condition: $c) { examined matched { id } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status history { type actor message } } }`;
const BIG_DE = { and: [{ '==': [{ var: 'order.country' }, 'DE'] }, { '>': [{ var: 'order.total' }, 100000] }] };
const SECRET = 'automation-test-secret-0123456789';

interface Hit { headers: IncomingHttpHeaders; body: string }

describe.each(DB_KINDS)('automation rules on %s', (kind: DbKind) => {
  let t: TestEngine;
  let server: Server;
  let hookUrl = '';
  const hits: Hit[] = [];
  const placed: { id: string; total: number; sku: string; quantity: number; method: string }[] = [];

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      variants: [
        { sku: 'BIG', price: 90000, stock: { 'wh-a': 100 } },
        { sku: 'SMALL', price: 1000, stock: { 'wh-a': 100 } },
        { sku: 'HOOK', price: 500, stock: { 'wh-a': 100 } },
        { sku: 'QUIET', price: 700, stock: { 'wh-a': 100 } },
        { sku: 'BANK', price: 800, stock: { 'wh-a': 100 } },
        { sku: 'LOW', price: 100, stock: { 'wh-a': 10 } },
      ],
    });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hits.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    hookUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((r) => server?.close(r));
  });

  const place = async (sku: string, quantity: number, extra: Record<string, unknown> = {}) => {
    const o = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity }], extra) })).placeOrder.order;
    placed.push({ id: o.id, total: o.total, sku, quantity, method: (extra.payment as { method?: string } | undefined)?.method ?? 'test-card' });
    return o as { id: string; total: number; status: string };
  };
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order as { status: string; history: { type: string; actor: string; message: string }[] };
  const rule = async (id: string, n = 50) => ok(await t.admin(RULE, { id, n })).automationRule;
  const create = async (i: Record<string, unknown>) => ok(await t.admin(CREATE, { i })).createAutomationRule;
  const mailsTo = (to: string) => {
    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    return (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [])
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .filter((raw) => parseMail(raw).headers.to?.includes(to));
  };
  /** The outbox event of this type for the order, as the `automation.event` job carries it. */
  const eventOf = async (type: string, orderId: string) => {
    const [row] = await t.sql('SELECT id, type, payload FROM outbox_event WHERE type = ? AND aggregate_id = ?', [type, orderId]);
    return { id: Number(row.id), type: row.type as string, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload };
  };
  let replays = 0;
  const replay = async (event: { id: number; type: string; payload: unknown }) => {
    await t.engine.app.queue.add('automation', 'automation.event', { event }, { jobId: `replay-${++replays}` });
  };
  const byRule = <H extends { actor: string }>(h: H[], name: string) => h.filter((e) => e.actor === `rule "${name}"`);

  let bigRule = '';

  it('holds, tags, notes and mails staff for a DE order over 1,000.00 EUR, once though the event is run again; leaves a small order alone', async () => {
    const r = await create({
      name: 'Big DE orders', event: 'order.placed', condition: BIG_DE,
      actions: [
        { type: 'HOLD', reason: 'a big order to check' },
        { type: 'TAG', tags: ['Big', 'review'] },
        { type: 'NOTE', text: 'Call the buyer before shipping.' },
        { type: 'NOTIFY_STAFF', emails: ['ops@shop.example'], text: 'Please look at it.' },
      ],
    });
    bigRule = r.id;
    expect(r).toMatchObject({ enabled: true, triggerEvent: 'order.placed', everyMinutes: null, condition: BIG_DE, channelCodes: null });
    expect(r.actions[1]).toMatchObject({ type: 'TAG', tags: ['big', 'review'] });

    const big = await place('BIG', 2); // 1,800.00 EUR net plus tax and shipping
    const small = await place('SMALL', 1);
    await settled(t);

    const held = await order(big.id);
    expect(held.status).toBe('ON_HOLD');
    const mine = byRule(held.history, 'Big DE orders');
    expect(mine.map((h) => h.type)).toEqual(['STATUS_CHANGED', 'TAGGED', 'NOTE', 'NOTE']);
    expect(mine[0].message).toBe('Order put on hold: a big order to check');
    expect(mine[1].message).toBe('Tagged big, review');
    expect(mine[2].message).toBe('Call the buyer before shipping.');
    expect(mine[3].message).toContain('mailed ops@shop.example');
    const [mail] = await until(async () => mailsTo('ops@shop.example'), (m) => m.length === 1);
    expect(parseMail(mail).subject).toContain('Rule "Big DE orders"');
    expect(parseMail(mail).text).toContain('Please look at it.');

    expect(byRule((await order(small.id)).history, 'Big DE orders')).toEqual([]);
    expect((await order(small.id)).status).not.toBe('ON_HOLD');

    // The event's job again, twice (a replay, a retry): no second hold entry, tag, note or mail, no new run.
    const event = await eventOf('order.placed', big.id);
    await replay(event);
    await replay(event);
    await settled(t);
    expect(byRule((await order(big.id)).history, 'Big DE orders')).toHaveLength(4);
    expect(mailsTo('ops@shop.example')).toHaveLength(1);

    const runs = (await rule(bigRule)).runs;
    expect(runs).toHaveLength(2);
    expect(runs.find((x: { order: { id: string } }) => x.order.id === big.id)).toMatchObject({
      event: 'order.placed', eventId: String(event.id), matched: true, error: null,
      actionsDone: ['hold', 'tag big, review', 'note', 'mail ops@shop.example'],
    });
    expect(runs.find((x: { order: { id: string } }) => x.order.id === small.id)).toMatchObject({ matched: false, actionsDone: [] });
  });

  it('the dry run lists exactly the recent orders the condition matches, and an unsaved condition changes nothing', async () => {
    await place('BIG', 2);
    await place('SMALL', 3);
    await settled(t);
    const expected = placed.filter((o) => o.total > 100000).map((o) => o.id).reverse();
    const dry = ok(await t.admin(DRY, { id: bigRule })).dryRunAutomationRule;
    expect(dry.matched.map((o: { id: string }) => o.id)).toEqual(expected);
    expect(dry.examined).toBe(placed.length);
    const small = ok(await t.admin(DRY, { id: bigRule, c: { '<': [{ var: 'order.total' }, 100000] } })).dryRunAutomationRule;
    expect(small.matched.map((o: { id: string }) => o.id)).toEqual(placed.filter((o) => o.total < 100000).map((o) => o.id).reverse());
    expect((await rule(bigRule)).runs).toHaveLength(4);
  });

  it('refuses a malformed condition, an unknown fact, an unknown trigger and a bad webhook at creation, naming the path', async () => {
    const before = ok(await t.admin('{ automationRules { id } }')).automationRules.length;
    const base = { name: 'Bad', event: 'order.placed', actions: [{ type: 'NOTE', text: 'x' }] };
    const r1 = await t.admin(CREATE, { i: { ...base, condition: { and: [{ '==': [1, 1] }, { '>': [{ var: 'order.total' }] }] } } });
    expect(codeOf(r1)).toBe('BAD_USER_INPUT');
    expect(r1.errors?.[0]?.extensions?.field).toBe("input.condition.and[1]['>']");
    const r2 = await t.admin(CREATE, { i: { ...base, condition: { '>': [{ var: 'order.grandTotal' }, 5] } } });
    expect(codeOf(r2)).toBe('BAD_USER_INPUT');
    expect(r2.errors?.[0]?.extensions?.field).toBe("input.condition['>'][0].var");
    expect(r2.errors?.[0]?.message).toContain('Unknown fact "order.grandTotal"');
    expect(codeOf(await t.admin(CREATE, { i: { ...base, condition: { method: [{ var: 'order.email' }, 'toString'] } } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(CREATE, { i: { ...base, event: 'order.exploded' } }))).toBe('BAD_USER_INPUT');
    const r3 = await t.admin(CREATE, { i: { ...base, actions: [{ type: 'WEBHOOK', url: 'ftp://example.com/x', secret: SECRET }] } });
    expect(r3.errors?.[0]?.extensions?.field).toBe('input.actions[0].url');
    const r4 = await t.admin(CREATE, { i: { ...base, event: 'stock.low', actions: [{ type: 'HOLD', reason: 'x' }] } });
    expect(r4.errors?.[0]?.extensions?.field).toBe('input.actions[0].type');
    expect(ok(await t.admin('{ automationRules { id } }')).automationRules).toHaveLength(before);
    // Only unscoped staff with the orders role.
    expect(codeOf(await t.gql('{ automationRules { id } }'))).toBe('UNAUTHENTICATED');
  });

  it('calls a webhook once, with an Idempotency-Key and a signature that verifies, and notes it on the order', async () => {
    const r = await create({
      name: 'Hook orders', event: 'order.placed', condition: { in: ['HOOK', { var: 'order.skus' }] },
      actions: [{ type: 'WEBHOOK', url: hookUrl, secret: SECRET }],
    });
    expect(r.actions).toEqual([{ type: 'WEBHOOK', reason: null, tags: null, text: null, emails: null, url: hookUrl }]);
    const o = await place('HOOK', 1);
    await place('SMALL', 1);
    await until(async () => hits.length, (n) => n >= 1);
    await replay(await eventOf('order.placed', o.id));
    await settled(t);
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    const sig = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(hit.headers['x-ordo-signature']));
    expect(sig).not.toBeNull();
    expect(createHmac('sha256', SECRET).update(`${sig![1]}.${hit.body}`).digest('hex')).toBe(sig![2]);
    expect(hit.headers['idempotency-key']).toMatch(/^automation-\d+-0$/);
    const body = JSON.parse(hit.body);
    expect(body).toMatchObject({ rule: { id: r.id, name: 'Hook orders' }, event: { type: 'order.placed' }, order: { id: o.id } });
    expect(byRule((await order(o.id)).history, 'Hook orders').map((h) => h.message)).toEqual([expect.stringContaining('called the webhook http://127.0.0.1:')]);
    ok(await t.admin('mutation($id: ID!) { deleteAutomationRule(id: $id) }', { id: r.id }));
  });

  it('a disabled rule does nothing; enabled again it acts on the next order', async () => {
    const r = await create({ name: 'Quiet', event: 'order.placed', condition: { in: ['QUIET', { var: 'order.skus' }] }, actions: [{ type: 'TAG', tags: ['quiet'] }] });
    expect(ok(await t.admin('mutation($id: ID!) { disableAutomationRule(id: $id) { enabled } }', { id: r.id })).disableAutomationRule.enabled).toBe(false);
    const a = await place('QUIET', 1);
    await settled(t);
    expect(byRule((await order(a.id)).history, 'Quiet')).toEqual([]);
    expect((await rule(r.id)).runs).toEqual([]);
    ok(await t.admin('mutation($id: ID!) { enableAutomationRule(id: $id) { enabled } }', { id: r.id }));
    const b = await place('QUIET', 1);
    await settled(t);
    expect(byRule((await order(b.id)).history, 'Quiet').map((h) => h.message)).toEqual(['Tagged quiet']);
    // Changed: a note instead of the tag; the list shows it.
    const u = ok(await t.admin(`mutation($id: ID!) { updateAutomationRule(id: $id, input: { name: "Quiet 2", actions: [{ type: NOTE, text: "quiet one" }] }) { name actions { type text } } }`, { id: r.id })).updateAutomationRule;
    expect(u).toEqual({ name: 'Quiet 2', actions: [{ type: 'NOTE', text: 'quiet one' }] });
    const UPDATE = `mutation($id: ID!, $i: UpdateAutomationRuleInput!) { updateAutomationRule(id: $id, input: $i) { name condition } }`;
    const bad = await t.admin(UPDATE, { id: r.id, i: { name: 'Quiet 3', condition: { or: [{ '==': [{ var: 'order.skus' }] }] } } });
    expect(bad.errors?.[0]?.extensions?.field).toBe("input.condition.or[0]['==']");
    expect(ok(await t.admin(RULE, { id: r.id })).automationRule.id).toBe(r.id);
    expect(ok(await t.admin(UPDATE, { id: r.id, i: { clearCondition: true } })).updateAutomationRule).toEqual({ name: 'Quiet 2', condition: null });
    ok(await t.admin('mutation($id: ID!) { deleteAutomationRule(id: $id) }', { id: r.id }));
    expect(codeOf(await t.admin(RULE, { id: r.id }))).toBe('NOT_FOUND');
  });

  it('cancels an unpaid order (manual payment) and leaves a paid one', async () => {
    const r = await create({ name: 'Unpaid bank', event: 'order.placed', condition: { in: ['BANK', { var: 'order.skus' }] }, actions: [{ type: 'CANCEL_IF_UNPAID', reason: 'no bank transfers for this SKU' }] });
    const unpaid = await place('BANK', 1, { payment: { method: 'manual' } });
    const paid = await place('BANK', 1);
    await settled(t);
    const u = await order(unpaid.id);
    expect(u.status).toBe('CANCELLED');
    expect(byRule(u.history, 'Unpaid bank')[0].message).toContain('no bank transfers for this SKU');
    expect((await order(paid.id)).status).not.toBe('CANCELLED');
    const runs = (await rule(r.id)).runs;
    expect(runs).toHaveLength(2);
    expect(runs.map((x: { actionsDone: string[] }) => x.actionsDone[0])).toEqual(expect.arrayContaining(['cancel', expect.stringMatching(/^cancel skipped: payment is (AUTHORIZED|PAID)$/)]));
    ok(await t.admin('mutation($id: ID!) { deleteAutomationRule(id: $id) }', { id: r.id }));
  });

  it('a scheduled rule runs over the orders changed since its last window, once per window', async () => {
    const r = await create({ name: 'Sweep', everyMinutes: 5, condition: { '==': [{ var: 'order.status' }, 'ON_HOLD'] }, actions: [{ type: 'TAG', tags: ['swept'] }] });
    const o = await place('BIG', 2); // held by "Big DE orders", as the big orders before it
    await settled(t);
    const held = placed.filter((x) => x.total > 100000).map((x) => x.id).sort();
    expect(held).toContain(o.id);
    await t.engine.app.queue.add('automation', 'automation.schedule', {}, { jobId: 'sweep-1' });
    await t.engine.app.queue.add('automation', 'automation.schedule', {}, { jobId: 'sweep-2' });
    await settled(t);
    // Each held order changed within the first window (the last 5 minutes) is tagged once, though the job ran twice.
    for (const id of held) expect(byRule((await order(id)).history, 'Sweep').map((h) => h.message)).toEqual(['Tagged swept']);
    const runs = (await rule(r.id), await rule(r.id, 200)).runs;
    expect(runs.filter((x: { matched: boolean }) => x.matched).map((x: { order: { id: string } }) => x.order.id).sort()).toEqual(held);
    expect(runs.length).toBeGreaterThan(held.length); // the other changed orders were looked at and did not match
    expect(runs.every((x: { event: string }) => x.event === 'schedule')).toBe(true);
  });

  it('reads the documented facts: channel, payment method, SKUs, the customer\'s order count', async () => {
    const manual = await place('BANK', 2, { payment: { method: 'manual' } });
    await settled(t);
    const dry = async (c: unknown) => ok(await t.admin(DRY, { id: bigRule, c })).dryRunAutomationRule.matched.map((o: { id: string }) => o.id);
    const newestFirst = (keep: (o: (typeof placed)[number]) => boolean) => placed.filter(keep).map((o) => o.id).reverse();
    expect(await dry({ and: [{ '==': [{ var: 'order.channel' }, 'default'] }, { '==': [{ var: 'order.paymentMethod' }, 'manual'] }, { '!': { var: 'order.imported' } }] }))
      .toEqual(newestFirst((o) => o.method === 'manual'));
    expect(newestFirst((o) => o.method === 'manual')).toHaveLength(2);
    expect(await dry({ all: [{ var: 'order.skus' }, { '==': [{ var: '' }, 'BANK'] }] })).toEqual(newestFirst((o) => o.sku === 'BANK'));
    expect(await dry({ '>=': [{ var: 'order.quantity' }, 2] })).toEqual(newestFirst((o) => o.quantity >= 2));
    // Every order is the same guest's (jane@example.com): the newest is her Nth.
    expect(await dry({ '==': [{ var: 'customer.orderCount' }, placed.length] })).toHaveLength(placed.length);
    expect(await dry({ '==': [{ var: 'customer.isGuest' }, true] })).toHaveLength(placed.length);
  });

  it('is for unscoped staff with the orders role: a channel-scoped key is refused', async () => {
    const scoped = ok(await t.admin(`mutation { createApiKey(name: "auto-scoped", roles: ["orders"], channelCodes: ["default"]) { token } }`)).createApiKey.token;
    expect(codeOf(await t.gql('{ automationRules { id } }', {}, scoped))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CREATE, { i: { name: 'x', event: 'order.placed', actions: [{ type: 'NOTE', text: 'x' }] } }, scoped))).toBe('FORBIDDEN');
    const inventory = ok(await t.admin(`mutation { createApiKey(name: "auto-inv", roles: ["inventory"]) { token } }`)).createApiKey.token;
    expect(codeOf(await t.gql('{ automationRules { id } }', {}, inventory))).toBe('FORBIDDEN');
  });

  it('stock.low (an event without an order) mails staff once, though the event runs again', async () => {
    const r = await create({ name: 'Low stock', event: 'stock.low', condition: { '==': [{ var: 'event.data.sku' }, 'LOW'] }, actions: [{ type: 'NOTIFY_STAFF', emails: ['buyer@shop.example'] }] });
    ok(await t.admin(`mutation { setReorderRule(input: { sku: "LOW", locationCode: "wh-a", reorderPoint: 5, target: 20 }) { id } }`));
    ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'LOW', locationCode: 'wh-a', delta: -8, reason: 'DAMAGED' } }));
    const [mail] = await until(async () => mailsTo('buyer@shop.example'), (m) => m.length === 1);
    expect(parseMail(mail).text).toContain('stock.low');
    const [row] = await t.sql("SELECT id, type, payload FROM outbox_event WHERE type = 'stock.low'");
    await replay({ id: Number(row.id), type: row.type, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload });
    await settled(t);
    expect(mailsTo('buyer@shop.example')).toHaveLength(1);
    const runs = (await rule(r.id)).runs;
    expect(runs).toEqual([{ event: 'stock.low', eventId: String(row.id), matched: true, actionsDone: ['mail buyer@shop.example'], error: null, order: null }]);
  });
});
