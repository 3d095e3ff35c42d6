// Providers a deployment brings (payment gateways, carriers, SMS and email transports, a document
// store), from the config file's `providers` or a plugin's `providers`. Each service already has a
// register path (PaymentService.register, CarrierService.register, NotificationService.setSmsProvider /
// setEmailSender, DocumentService.setStore); this file only checks the objects (type imports only, so
// that loading a config file does not load the engine), createEngine hands them over.
import { ConfigError } from './config.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import type { CarrierProvider } from './fulfillment/carriers/carrier.js';
import type { EmailSender, SmsProvider } from './notifications/providers.js';
import type { DocumentStore } from './documents/document-store.js';

export interface OrdoProviders {
  /** Payment providers; each `code` becomes a PaymentInput.method (a built-in code is replaced). */
  payment?: PaymentProvider[];
  /** Carriers; a shipping method names one by `carrierCode` (`sim` is built in and may be replaced). */
  carrier?: CarrierProvider[];
  /** The SMS transport (one: every SMS goes through it); default writes files to <data>/sms. */
  sms?: SmsProvider;
  /** The email transport (one); default SMTP_URL, else .eml files in <data>/mail. */
  email?: EmailSender;
  /** Where documents (labels, invoices, packing slips) are kept; default a folder in the data directory. */
  documentStore?: DocumentStore;
}

/** The methods each kind must have; optional ones (validate, webhook, close) are checked when present. */
const REQUIRED = {
  payment: ['authorize', 'capture', 'void', 'refund'],
  carrier: ['createLabel', 'cancelLabel', 'parseWebhook'],
  sms: ['send'],
  email: ['send'],
  documentStore: ['put', 'get'],
} as const;
const OPTIONAL: Partial<Record<keyof OrdoProviders, string[]>> = { payment: ['validate', 'webhook'], email: ['close'] };
const CODE = /^[a-z][a-z0-9-]*$/;

/**
 * Checks a `providers` object; `key` is where it sits, for the message
 * (`ordo.config: providers`, `ordo.config: plugins[0].providers`).
 */
export function checkProviders(value: unknown, key: string): OrdoProviders {
  if (!isObject(value)) throw new ConfigError(`${key} must be an object ({ payment: [...], carrier: [...], sms, email, documentStore }).`);
  for (const k of Object.keys(value)) {
    if (!(k in REQUIRED)) throw new ConfigError(`${key}.${k} is not a kind of provider (use ${Object.keys(REQUIRED).join(', ')}).`);
  }
  for (const kind of ['payment', 'carrier'] as const) {
    const list = value[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ConfigError(`${key}.${kind} must be an array of ${kind} providers.`);
    const codes = new Map<string, number>();
    list.forEach((p, i) => {
      const at = `${key}.${kind}[${i}]`;
      checkOne(p, at, kind, true);
      const code = (p as { code: string }).code;
      if (codes.has(code)) throw new ConfigError(`${at} has the code "${code}" of ${key}.${kind}[${codes.get(code)}]: codes must differ.`);
      codes.set(code, i);
    });
  }
  if (value.sms !== undefined) checkOne(value.sms, `${key}.sms`, 'sms', true);
  if (value.email !== undefined) checkOne(value.email, `${key}.email`, 'email', true);
  if (value.documentStore !== undefined) checkOne(value.documentStore, `${key}.documentStore`, 'documentStore', false);
  return value as OrdoProviders;
}

function checkOne(p: unknown, at: string, kind: keyof OrdoProviders, needsCode: boolean): void {
  if (!isObject(p)) throw new ConfigError(`${at} is not a provider object.`);
  if (needsCode) {
    if (typeof p.code !== 'string') throw new ConfigError(`${at} has no code string.`);
    if (!CODE.test(p.code)) throw new ConfigError(`${at} has the code "${p.code}": use lower-case kebab (acme-pay).`);
  }
  for (const fn of REQUIRED[kind]) {
    if (typeof p[fn] !== 'function') throw new ConfigError(`${at} has no ${fn} function.`);
  }
  for (const fn of OPTIONAL[kind] ?? []) {
    if (p[fn] !== undefined && typeof p[fn] !== 'function') throw new ConfigError(`${at}.${fn} must be a function.`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
