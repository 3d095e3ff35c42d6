// Customer messages driven by domain events. Runs inside the event's job (at least once, retried with
// backoff): each (event, recipient, channel) is one NotificationMessage row, claimed before sending and
// marked SENT after, so a retried or replayed job sends nothing twice.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { DomainEvent, JobContext } from '../kernel/module.js';
import type { Em } from '../kernel/db/orm.js';
import { Setting } from '../kernel/setting.entity.js';
import { OrdoError } from '../kernel/errors.js';
import { formatMoney } from '../kernel/money.js';
import { MessageStatements } from './message-statements.js';
import { PickupService } from '../fulfillment/pickup.service.js';
import { Channel } from '../channels/channel.entity.js';
import { NotificationChannel, NotificationMessage, NotificationStatus } from './notification-message.entity.js';
import { FileEmailSender, LogSmsProvider, SmtpEmailSender, type EmailSender, type MailAttachment, type SmsProvider } from './providers.js';
import { Customer } from '../customers/customer.entity.js';
import { CustomerService, PASSWORD_RESET_MINUTES } from '../customers/customer.service.js';
import { passwordResetMail, RESET_MAIL_KEPT } from './password-reset-mail.js';
import { TtlCache } from '../kernel/ttl-cache.js';
import { newId } from '../kernel/ids.js';
import { defaultTemplates, payloadFilters, type NotificationTemplate, type RenderedMessage, type TemplateContext } from './templates.js';

/** Who messages of a channel come from. Stored per channel code; unset fields fall back to the defaults. */
export interface SenderSettings {
  emailFrom: string;
  emailName: string | null;
  replyTo: string | null;
  smsFrom: string;
}

const CLAIM_MS = 60_000;

const senderKey = (channelCode: string) => `notifications.sender.${channelCode}`;


export class NotificationService {
  private templates = new Map<string, NotificationTemplate>(Object.entries(defaultTemplates));
  private email: EmailSender | null = null;
  private sms: SmsProvider | null = null;

  /** Sender settings per channel code: read for every message, changed rarely (reference-data TTL). */
  private readonly senders: TtlCache<SenderSettings>;
  /** A message's statements, shared with the messages sent at the same moment. */
  private readonly statements: MessageStatements;

  constructor(private readonly app: AppRuntime) {
    this.senders = new TtlCache(app.config.referenceCacheMs);
    this.statements = new MessageStatements(app);
  }

  /** The event types that have a template (the module listens to these). */
  static readonly EVENTS = Object.keys(defaultTemplates);

  registerTemplate(eventType: string, template: NotificationTemplate): void {
    this.templates.set(eventType, template);
  }

  setSmsProvider(provider: SmsProvider): void {
    this.sms = provider;
  }

  setEmailSender(sender: EmailSender): void {
    this.email = sender;
  }

  private emailSender(): EmailSender {
    if (!this.email) {
      const url = this.app.config.smtpUrl;
      this.email = url ? new SmtpEmailSender(url) : new FileEmailSender(join(this.app.config.dataDir, 'mail'), this.app.log);
    }
    return this.email;
  }

  private smsProvider(): SmsProvider {
    return (this.sms ??= new LogSmsProvider(join(this.app.config.dataDir, 'sms'), this.app.log));
  }

  close(): void {
    this.email?.close?.();
  }

  // ---------------------------------------------------------------- sender settings

  defaults(): SenderSettings {
    return {
      emailFrom: this.app.config.notifyEmailFrom ?? 'orders@ordo.localhost',
      emailName: null,
      replyTo: null,
      smsFrom: this.app.config.notifySmsFrom ?? 'Ordo',
    };
  }

  async sender(em: Em, channelCode: string): Promise<SenderSettings> {
    return this.senders.get(channelCode, async () => {
      const row = await em.findOne(Setting, { key: senderKey(channelCode) });
      const stored = row ? (JSON.parse(row.value) as Partial<SenderSettings>) : {};
      const d = this.defaults();
      return { emailFrom: stored.emailFrom || d.emailFrom, emailName: stored.emailName ?? d.emailName, replyTo: stored.replyTo ?? d.replyTo, smsFrom: stored.smsFrom || d.smsFrom };
    });
  }

  async setSender(em: Em, channelCode: string, settings: Partial<SenderSettings>): Promise<SenderSettings> {
    if (!(await em.count(Channel, { code: channelCode }))) throw new OrdoError('NOT_FOUND', `Channel ${channelCode} was not found.`);
    const value = JSON.stringify({ ...settings });
    await em.execute('INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [senderKey(channelCode), value]);
    this.senders.clear();
    return this.sender(em, channelCode);
  }

  // ---------------------------------------------------------------- sending

  /** The event handler: renders the event's template and sends each message once. */
  /** Whether the event may send anything (else the relay does not even queue it for this module). */
  wants(event: DomainEvent): boolean {
    const template = this.templates.get(event.type);
    if (!template) return false;
    const filter = template === defaultTemplates[event.type] ? payloadFilters[event.type] : undefined;
    return !filter || filter(event.payload as Record<string, unknown>);
  }

  async notify(event: DomainEvent, ctx: JobContext): Promise<void> {
    const template = this.templates.get(event.type);
    if (!template || !this.wants(event)) return;
    const p = event.payload as Record<string, any>;
    const em = ctx.em as Em;
    const orderId = typeof p.orderId === 'string' ? p.orderId : event.aggregateId;
    if (!orderId) return;
    const shipmentId = typeof p.shipmentId === 'string' ? p.shipmentId : null;
    const loaded = await this.statements.factsOf(em, { orderId, shipmentId });
    if (!loaded) return;
    const { order, lines, shipment } = loaded;
    const currency = order.currencyCode;
    const tc: TemplateContext = {
      event: event as DomainEvent<Record<string, any>>, order, lines, shipment, shopName: order.channel.name,
      pickupCode: shipment ? this.app.service(PickupService).codeOf(shipment) : null,
      money: (n) => formatMoney(n, currency),
    };
    const rendered = template(tc);
    if (!rendered) return;
    const sender = await this.sender(em, order.channel.code);
    const from = sender.emailName ? `"${sender.emailName.replace(/"/g, '')}" <${sender.emailFrom}>` : sender.emailFrom;

    await this.once(em, event, order.id, NotificationChannel.EMAIL, order.email, from, rendered, async (messageId) => {
      const s = this.emailSender();
      const r = await s.send({ messageId, from, replyTo: sender.replyTo ?? undefined, to: order.email, subject: rendered.subject, text: rendered.text, html: rendered.html });
      return { provider: s.code, providerMessageId: r.providerMessageId };
    });
    const phone = order.shippingAddress?.phone;
    if (rendered.sms && phone) {
      const text = rendered.sms;
      await this.once(em, event, order.id, NotificationChannel.SMS, phone, sender.smsFrom, { ...rendered, subject: '', text }, async (messageId) => {
        const s = this.smsProvider();
        const r = await s.send({ id: messageId, from: sender.smsFrom, to: phone, text });
        return { provider: s.code, providerMessageId: r.providerMessageId };
      });
    }
  }

  /**
   * `customer.password_reset_requested`: the reset mail, once per request (a retried job after the mail
   * went out sends nothing). The token is made just before sending (a send that fails and is retried
   * makes a new one, the earlier never having reached anyone); the row keeps no link.
   */
  async passwordReset(event: DomainEvent, ctx: JobContext): Promise<void> {
    const em = ctx.em as Em;
    const customerId = String((event.payload as { customerId?: unknown }).customerId ?? '');
    const customer = customerId ? await em.findOne(Customer, { id: customerId }) : null;
    if (!customer) return;
    const channel = await em.findOne(Channel, { code: 'default' });
    const sender = await this.sender(em, 'default');
    const shopName = channel?.name ?? 'our shop';
    const from = sender.emailName ? `"${sender.emailName.replace(/"/g, '')}" <${sender.emailFrom}>` : sender.emailFrom;
    const kept = { subject: `Set a new password for ${shopName}`, text: RESET_MAIL_KEPT, html: '' };
    await this.once(em, event, null, NotificationChannel.EMAIL, customer.email, from, kept, async (messageId) => {
      const issued = await this.app.service(CustomerService).issuePasswordReset(em, customer.id);
      if (!issued) throw new Error(`customer ${customer.id} is gone`);
      const mail = passwordResetMail(shopName, issued.token, PASSWORD_RESET_MINUTES, this.app.config.passwordResetUrl);
      const s = this.emailSender();
      const r = await s.send({ messageId, from, replyTo: sender.replyTo ?? undefined, to: customer.email, subject: mail.subject, text: mail.text, html: mail.html });
      return { provider: s.code, providerMessageId: r.providerMessageId };
    });
  }

  /**
   * A mail to someone other than a customer (a supplier: procurement's purchase orders), once per event
   * and recipient like every other message, from the default channel's sender, with its attachments.
   */
  async mailOnce(em: Em, event: DomainEvent, to: string, mail: RenderedMessage, attachments: MailAttachment[] = []): Promise<void> {
    const sender = await this.sender(em, 'default');
    const from = sender.emailName ? `"${sender.emailName.replace(/"/g, '')}" <${sender.emailFrom}>` : sender.emailFrom;
    await this.once(em, event, null, NotificationChannel.EMAIL, to, from, mail, async (messageId) => {
      const s = this.emailSender();
      const r = await s.send({ messageId, from, replyTo: sender.replyTo ?? undefined, to, subject: mail.subject, text: mail.text, html: mail.html, attachments });
      return { provider: s.code, providerMessageId: r.providerMessageId };
    });
  }

  /**
   * One message, once: the row is created (or found), claimed for a minute by this run, sent, and marked
   * SENT. A run that finds it SENT (a retried job) or claimed by another (a replay racing the first) sends
   * nothing. A failed send is recorded and rethrown so that the job retries.
   */
  private async once(
    em: Em, event: DomainEvent, orderId: string | null, channel: NotificationChannel, recipient: string, sender: string,
    msg: RenderedMessage, send: (messageId: string) => Promise<{ provider: string; providerMessageId: string }>,
  ): Promise<void> {
    const key = { eventId: event.id, recipient, channel };
    const now = Date.now();
    // The first run inserts the row already claimed (one statement, no read); a retried job or a replay
    // finds the row (unique per event, recipient and channel) and claims it, unless it was SENT.
    let id: string | null = newId('ntf');
    try {
      await this.statements.insertClaimed(em, {
        id, eventId: event.id, eventType: event.type, orderId, channel, recipient, sender, subject: msg.subject || null, text: msg.text, claimedUntilMs: now + CLAIM_MS, at: new Date(now),
      });
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      id = null;
    }
    if (!id) {
      const row = await em.findOneOrFail(NotificationMessage, key, { refresh: true });
      if (row.status === NotificationStatus.SENT) return;
      const claim = await em.execute(
        `UPDATE notification_message SET claimed_until_ms = ?, attempts = attempts + 1 WHERE id = ? AND status <> 'SENT' AND (claimed_until_ms IS NULL OR claimed_until_ms < ?)`,
        [now + CLAIM_MS, row.id, now],
        'run',
      );
      if (!Number((claim as { affectedRows?: number }).affectedRows ?? 0)) return;
      id = row.id;
    }
    const messageId = `<${event.id}.${channel.toLowerCase()}.${createHash('sha256').update(recipient).digest('hex').slice(0, 12)}@ordo>`;
    try {
      const r = await send(messageId);
      await this.statements.markSent(em, { id, provider: r.provider, providerMessageId: r.providerMessageId });
    } catch (err) {
      await em.nativeUpdate(NotificationMessage, { id }, {
        status: NotificationStatus.FAILED, claimedUntilMs: null, error: err instanceof Error ? err.message.slice(0, 2000) : String(err),
      });
      throw err;
    }
  }

  list(em: Em, orderId: string): Promise<NotificationMessage[]> {
    return em.find(NotificationMessage, { orderId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }
}
