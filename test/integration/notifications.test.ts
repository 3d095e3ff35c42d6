// Notifications against a real SMTP server started here (smtp-server): the confirmation, shipped (with
// the tracking link) and refund mails arrive once each with the order number, a failed delivery is
// retried by the job, a retried job sends nothing twice, and messages sent together share their
// statements (a replay among them still sends nothing). On SQLite and PostgreSQL; plus the no-SMTP_URL
// fallback (.eml files) and the log SMS provider.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { ADDRESS, PLACE_ORDER, orderInput, setupShop } from '../helpers/fixtures.js';
import { eventJobId } from '../../src/kernel/outbox/event-group.js';
import { parseMail } from '../helpers/mail.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';
import { sqlCounter } from '../../src/kernel/db/sql-counter.js';

interface Mail { to: string[]; from: string; raw: string; subject: string }
const NOTIFICATIONS = `query($id: ID!) { notifications(orderId: $id) { id eventType channel recipient sender subject text status provider providerMessageId attempts sentAt } }`;

/** Quoted-printable soft breaks and =XX escapes undone, so that a body can be searched. */
const unfold = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

describe('notifications through a real SMTP server', () => {
  const mails: Mail[] = [];
  /** Deliveries refused (451) while the body matches, one refusal per count. */
  const refuse = { pattern: /$^/, times: 0 };
  let smtp: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          // The subject as a mail program shows it (encoded words decoded: "€").
          const subject = parseMail(raw).subject;
          if (refuse.times > 0 && refuse.pattern.test(subject)) {
            refuse.times--;
            const err = new Error('Try again later') as Error & { responseCode: number };
            err.responseCode = 451;
            return cb(err);
          }
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', raw: unfold(raw), subject });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.server.listen(0, '127.0.0.1', () => r()));
    port = (smtp.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  describe.each(DB_KINDS)('%s', (kind) => {
    let t: TestEngine;
    const recipient = `buyer-${kind}@example.com`;

    beforeAll(async () => {
      t = await startTestEngine(kind, { env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
      await setupShop(t, { locations: [{ code: 'auto', priority: 10, autoFulfill: true }], variants: [{ sku: 'MAIL-1', price: 2500, stock: { auto: 50 } }] });
      ok(await t.admin(`mutation($i: NotificationSenderInput!) { setNotificationSender(channelCode: "default", input: $i) { emailFrom } }`, {
        i: { emailFrom: 'shop@example.com', emailName: 'Example Shop', smsFrom: 'EXSHOP' },
      }));
    }, 120_000);

    afterAll(async () => {
      await t?.stop();
    });

    it('confirmation, shipped (tracking link) and refund mails arrive once each; a retried job sends nothing twice', async () => {
      const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MAIL-1', quantity: 2 }], { email: recipient, shippingAddress: { ...ADDRESS, phone: '+4930123456' } }) })).placeOrder;
      const { id: orderId, number } = placed.order;
      const mine = () => mails.filter((m) => m.to.includes(recipient));

      await until(() => mine(), (m) => m.some((x) => /shipped/.test(x.subject)) && m.some((x) => /confirmed/.test(x.subject)));
      const confirmed = mine().find((m) => /confirmed/.test(m.subject))!;
      expect(confirmed.subject).toBe(`Order ${number} confirmed`);
      expect(confirmed.from).toBe('shop@example.com');
      expect(confirmed.raw).toMatch(/From: "?Example Shop"? <shop@example.com>/);
      expect(confirmed.raw).toContain('Content-Type: text/html');
      expect(confirmed.raw).toContain('Content-Type: text/plain');
      expect(confirmed.raw).toContain('Variant MAIL-1');
      const shipped = mine().find((m) => /shipped/.test(m.subject))!;
      expect(shipped.subject).toBe(`Your order ${number} has shipped`);
      const tracking = ok(await t.admin(`query($id: ID!) { order(id: $id) { shipments { trackingNumber trackingUrl } } }`, { id: orderId })).order.shipments[0];
      expect(tracking.trackingUrl).toContain(tracking.trackingNumber);
      expect(shipped.raw).toContain(tracking.trackingUrl);
      expect(shipped.raw).toContain(`href="${tracking.trackingUrl}"`);

      // The payment is captured on the first shipment; the refund's first delivery is refused once (451):
      // the job fails, retries with backoff, and the mail arrives once.
      const payment = await until(async () => ok(await t.admin(`query($id: ID!) { order(id: $id) { payments { id status } } }`, { id: orderId })).order.payments[0], (p) => p.status === 'PAID');
      refuse.pattern = new RegExp(`Refund of €5\\.00 for order ${number}`);
      refuse.times = 1;
      ok(await t.admin(`mutation($id: ID!) { refundPayment(id: $id, amount: 500, reason: "Scratched box") { status } }`, { id: payment.id }));
      await until(() => mine(), (m) => m.some((x) => /Refund/.test(x.subject)));
      expect(refuse.times).toBe(0);
      const refund = mine().find((m) => /Refund/.test(m.subject))!;
      expect(refund.subject).toBe(`Refund of €5.00 for order ${number}`);
      expect(refund.raw).toContain('Scratched box');

      // A retried job (the same event dispatched again, as the queue does after a failure) sends nothing.
      const events = await t.sql<{ id: number | string; type: string; aggregate_id: string; payload: unknown; created_at_ms: number | string }>(
        `SELECT id, type, aggregate_id, payload, created_at_ms FROM outbox_event WHERE aggregate_id = ? AND type IN ('order.confirmed', 'shipment.shipped', 'payment.refunded') ORDER BY id`, [orderId]);
      expect(events.map((e) => e.type)).toEqual(['order.confirmed', 'shipment.shipped', 'payment.refunded']);
      for (const e of events) {
        const data = { id: Number(e.id), type: e.type, aggregateId: e.aggregate_id, payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload, at: new Date(Number(e.created_at_ms)) };
        await t.engine.app.events.dispatch(t.engine.app, { id: eventJobId(data.id), name: e.type, data, attempt: 2 });
      }
      await settled(t); // anything the re-dispatch started has run
      const subjects = mine().map((m) => m.subject).sort();
      expect(subjects).toEqual([`Order ${number} confirmed`, `Refund of €5.00 for order ${number}`, `Your order ${number} has shipped`]);

      // Every message is recorded, admins read them; the shipped notice also went out as an SMS (log provider).
      const list = ok(await t.admin(NOTIFICATIONS, { id: orderId })).notifications;
      expect(list.map((n: any) => `${n.eventType}/${n.channel}/${n.status}`).sort()).toEqual([
        'order.confirmed/EMAIL/SENT', 'payment.refunded/EMAIL/SENT', 'shipment.shipped/EMAIL/SENT', 'shipment.shipped/SMS/SENT',
      ]);
      const byType = (type: string, channel = 'EMAIL') => list.find((n: any) => n.eventType === type && n.channel === channel);
      expect(byType('payment.refunded').attempts).toBe(2);
      expect(byType('order.confirmed')).toMatchObject({ recipient, sender: '"Example Shop" <shop@example.com>', provider: 'smtp', subject: `Order ${number} confirmed` });
      // The row marked SENT keeps what the provider answered: the SMTP server's message id, and when.
      expect(byType('order.confirmed').providerMessageId).toMatch(/^<.+@.+>$/);
      expect(Date.parse(byType('order.confirmed').sentAt)).toBeGreaterThan(0);
      const sms = byType('shipment.shipped', 'SMS');
      expect(sms).toMatchObject({ recipient: '+4930123456', sender: 'EXSHOP', provider: 'log' });
      expect(sms.text).toContain(tracking.trackingUrl);
      const smsDir = join(t.env.ORDO_DATA_DIR, 'sms');
      expect(readdirSync(smsDir)).toHaveLength(1);

      // Only admins (orders role) read them.
      expect(codeOf(await t.gql(NOTIFICATIONS, { id: orderId }, placed.accessToken))).toBe('FORBIDDEN');
    }, 60_000);

    it('messages sent at the same moment share their statements; among them a replay sends nothing again and a message never recorded goes out once', async () => {
      const buyer = (i: number) => `batch-${i}-${kind}@example.com`;
      const orders: { id: string; number: string }[] = [];
      for (let i = 0; i < 6; i++) orders.push(ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MAIL-1', quantity: 1 }], { email: buyer(i) }) })).placeOrder.order);
      const to = (i: number) => mails.filter((m) => m.to.includes(buyer(i)) && /confirmed/.test(m.subject));
      await until(() => orders.map((_, i) => to(i).length), (n) => n.every((x) => x === 1));
      await settled(t);

      // Three of them as if their messages had never been recorded (rows gone): sent again, once each.
      const events = await t.sql<{ id: number | string; aggregate_id: string; payload: unknown; created_at_ms: number | string }>(
        `SELECT id, aggregate_id, payload, created_at_ms FROM outbox_event WHERE type = 'order.confirmed' AND aggregate_id IN (${orders.map(() => '?').join(', ')}) ORDER BY id`, orders.map((o) => o.id));
      expect(events).toHaveLength(6);
      const forgotten = orders.slice(3).map((o) => o.id);
      await t.sql(`DELETE FROM notification_message WHERE event_type = 'order.confirmed' AND order_id IN (?, ?, ?)`, forgotten);
      const store = { count: 0, statements: [] as string[] };
      await sqlCounter.run(store, () => Promise.all(events.map((e) => t.engine.app.events.dispatch(t.engine.app, {
        id: eventJobId(Number(e.id)), name: 'order.confirmed', attempt: 2,
        data: { id: Number(e.id), type: 'order.confirmed', aggregateId: e.aggregate_id, payload: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload, at: new Date(Number(e.created_at_ms)) },
      }))));
      expect(orders.map((_, i) => to(i).length)).toEqual([1, 1, 1, 2, 2, 2]);
      const rows = await t.sql<{ order_id: string; status: string; attempts: number | string }>(
        `SELECT order_id, status, attempts FROM notification_message WHERE event_type = 'order.confirmed' AND order_id IN (${orders.map(() => '?').join(', ')})`, orders.map((o) => o.id));
      expect(rows.map((r) => `${r.status}/${Number(r.attempts)}`)).toEqual(Array(6).fill('SENT/1'));
      // Shared: statements that serve all six messages at once (their facts' reads, their rows' INSERT), as
      // sent, values inline or as a prepared statement's arguments; each message alone would name one order.
      const shared = store.statements.filter((s) => orders.every((o) => s.includes(o.id)));
      expect(shared.length).toBeGreaterThan(0);
    }, 60_000);
  });

  it('without SMTP_URL, mails are written as .eml files in the data folder', async () => {
    delete process.env.SMTP_URL;
    const t = await startTestEngine('sqlite');
    try {
      await setupShop(t, { variants: [{ sku: 'EML-1', price: 1000, stock: { 'wh-a': 5 } }] });
      const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'EML-1', quantity: 1 }], { email: 'file@example.com' }) })).placeOrder;
      const dir = join(t.env.ORDO_DATA_DIR, 'mail');
      const files = await until(() => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []), (f) => f.length > 0);
      expect(files).toHaveLength(1);
      const eml = unfold(readFileSync(join(dir, files[0]), 'utf8'));
      expect(eml).toContain(`Subject: Order ${placed.order.number} confirmed`);
      expect(eml).toContain('To: file@example.com');
      // The file is written before the message is marked SENT (a crash between them sends it again, never loses it).
      const list = await until(async () => ok(await t.admin(NOTIFICATIONS, { id: placed.order.id })).notifications, (l: any[]) => l.length > 0 && l[0].status !== 'PENDING');
      expect(list).toMatchObject([{ eventType: 'order.confirmed', channel: 'EMAIL', status: 'SENT', provider: 'file' }]);
      expect(mails.some((m) => m.to.includes('file@example.com'))).toBe(false);
    } finally {
      await t.stop();
    }
  }, 60_000);
});
