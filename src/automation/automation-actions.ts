// What a rule may do, the triggers it may listen to, and the checks of both at creation. Order-side
// actions (hold, tag, note) are applied in the run's transaction under the order's lock; cancel-if-unpaid,
// mail and webhooks follow its commit (automation-runner.ts). "Route to a location" is left out: routing
// (fulfillment/routing.ts) is chosen by the sourcing strategy at placement and offers no clean way to
// direct one order elsewhere from outside.
import { badInput } from '../kernel/errors.js';
import { normaliseTags } from '../customers/customer-tags.js';
import { MAX_NOTE_LENGTH } from '../order-core/order-notes.js';

export enum AutomationActionType {
  HOLD = 'HOLD',
  CANCEL_IF_UNPAID = 'CANCEL_IF_UNPAID',
  TAG = 'TAG',
  NOTE = 'NOTE',
  NOTIFY_STAFF = 'NOTIFY_STAFF',
  WEBHOOK = 'WEBHOOK',
}

export interface AutomationActionRecord {
  type: AutomationActionType;
  reason?: string | null;
  tags?: string[] | null;
  text?: string | null;
  emails?: string[] | null;
  url?: string | null;
  /** The webhook's HMAC key: stored, never shown. */
  secret?: string | null;
}

/** Events a rule may be triggered by; `order: false`: the event names no order (only mail and webhooks then). */
export const TRIGGERS: Record<string, { order: boolean }> = {
  'order.placed': { order: true },
  'order.confirmed': { order: true },
  'order.on_hold': { order: true },
  'order.backordered': { order: true },
  'order.in_fulfillment': { order: true },
  'order.partially_shipped': { order: true },
  'order.shipped': { order: true },
  'order.delivered': { order: true },
  'order.cancelled': { order: true },
  'order.payment_status_changed': { order: true },
  'order.edited': { order: true },
  'order.lines_cancelled': { order: true },
  'payment.captured': { order: true },
  'payment.declined': { order: true },
  'payment.disputed': { order: true },
  'shipment.exception': { order: true },
  'shipment.shipped': { order: true },
  'shipment.delivered': { order: true },
  'return.requested': { order: true },
  'return.received': { order: true },
  'stock.low': { order: false },
};

export const MAX_ACTIONS = 10;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** An action as given, checked and normalised; BAD_USER_INPUT naming `path`'s field otherwise. */
export function checkAction(a: AutomationActionRecord, path: string, orderTrigger: boolean): AutomationActionRecord {
  const text = (v: string | null | undefined, field: string, max: number) => {
    const s = (v ?? '').trim();
    if (!s || s.length > max) throw badInput(`${field} has 1 to ${max} characters for a ${a.type} action.`, `${path}.${field}`);
    return s;
  };
  if (!orderTrigger && a.type !== AutomationActionType.NOTIFY_STAFF && a.type !== AutomationActionType.WEBHOOK) {
    throw badInput(`A ${a.type} action needs an order; this trigger names none (only NOTIFY_STAFF and WEBHOOK).`, `${path}.type`);
  }
  switch (a.type) {
    case AutomationActionType.HOLD:
    case AutomationActionType.CANCEL_IF_UNPAID:
      return { type: a.type, reason: text(a.reason, 'reason', 500) };
    case AutomationActionType.TAG: {
      if (!a.tags?.length) throw badInput('A TAG action names at least one tag.', `${path}.tags`);
      return { type: a.type, tags: normaliseTags(a.tags, `${path}.tags`) };
    }
    case AutomationActionType.NOTE:
      return { type: a.type, text: text(a.text, 'text', MAX_NOTE_LENGTH) };
    case AutomationActionType.NOTIFY_STAFF: {
      const emails = [...new Set((a.emails ?? []).map((e) => e.trim().toLowerCase()))];
      if (!emails.length || emails.length > 10) throw badInput('A NOTIFY_STAFF action names 1 to 10 emails.', `${path}.emails`);
      emails.forEach((e, i) => { if (!EMAIL.test(e)) throw badInput(`"${e}" is not an email address.`, `${path}.emails[${i}]`); });
      return { type: a.type, emails, text: a.text?.trim() ? text(a.text, 'text', MAX_NOTE_LENGTH) : null };
    }
    case AutomationActionType.WEBHOOK: {
      const url = text(a.url, 'url', 2000);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw badInput('url is not a URL.', `${path}.url`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw badInput('url must start with http:// or https://.', `${path}.url`);
      const secret = (a.secret ?? '').trim();
      if (secret.length < 16 || secret.length > 200) throw badInput('secret (the HMAC key of the signature) has 16 to 200 characters.', `${path}.secret`);
      return { type: a.type, url, secret };
    }
    default:
      throw badInput(`Unknown action type ${String(a.type)}.`, `${path}.type`);
  }
}

/** The actions as shown and as named in runs and history. */
export function describeAction(a: AutomationActionRecord): string {
  switch (a.type) {
    case AutomationActionType.HOLD: return 'hold';
    case AutomationActionType.CANCEL_IF_UNPAID: return 'cancel if unpaid';
    case AutomationActionType.TAG: return `tag ${(a.tags ?? []).join(', ')}`;
    case AutomationActionType.NOTE: return 'note';
    case AutomationActionType.NOTIFY_STAFF: return `mail ${(a.emails ?? []).join(', ')}`;
    case AutomationActionType.WEBHOOK: return `webhook ${a.url}`;
  }
}
