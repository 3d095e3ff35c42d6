// Notifications: email (SMTP via nodemailer, or .eml files without SMTP_URL) and SMS (a provider
// interface; the built-in one writes files) driven by domain events, each message recorded once.
import { defineModule, onlyWhen, type EventHandler } from '../kernel/module.js';
import { NotificationMessage } from './notification-message.entity.js';
import { NotificationResolver } from './notification.resolver.js';
import { NotificationService } from './notification.service.js';
import type { EmailSender, SmsProvider } from './providers.js';

const notify: EventHandler = onlyWhen((event, app) => app.service(NotificationService).wants(event), (event, ctx) => ctx.app.service(NotificationService).notify(event, ctx));

export const notifications = defineModule({
  name: 'notifications',
  dependsOn: ['orders', 'fulfillment', 'payments', 'channels', 'customers'],
  entities: [NotificationMessage],
  // One transport each: `providers.sms` (default: files in <data>/sms), `providers.email` (default SMTP_URL, else .eml files).
  providerKinds: [
    { key: 'sms', many: false, label: 'an SMS transport', required: ['send'], install: (app, p: SmsProvider) => app.service(NotificationService).setSmsProvider(p) },
    { key: 'email', many: false, label: 'an email transport', required: ['send'], optional: ['close'], install: (app, p: EmailSender) => app.service(NotificationService).setEmailSender(p) },
  ],
  resolvers: [NotificationResolver],
  on: {
    ...Object.fromEntries(NotificationService.EVENTS.map((type) => [type, notify])),
    'customer.password_reset_requested': (event, ctx) => ctx.app.service(NotificationService).passwordReset(event, ctx),
  },
  onStop: async (app) => app.service(NotificationService).close(),
});

export type { NotificationTemplate, TemplateContext, RenderedMessage } from './templates.js';
export type { SmsProvider, EmailSender } from './providers.js';
