// Gift cards and store credit spent at placement: placeOrder's pricing step for the kinds `gift-card`
// (`{ kind: "gift-card", code, amount? }`) and `store-credit` (`{ kind: "store-credit", amount? }`, the
// signed-in customer's, in the order's currency). Tender, not a price reduction: it pays what the order
// still owes after the price reductions (shipping included), at most. The balance is taken by one
// conditional UPDATE in the placement transaction (tender-ledger.ts), so it is gone with the order or not
// at all, and two orders spending one card at once can never take it below zero: the second's UPDATE
// finds the balance it needs gone and the order is refused (BAD_USER_INPUT, reason
// GIFT_CARD_INSUFFICIENT_BALANCE) with nothing changed.
import { OrdoError } from '../kernel/errors.js';
import { formatMoney } from '../kernel/money.js';
import type { DiscountRequest, OrderDiscountRecord, PricingInput, PricingStep } from '../kernel/pricing.js';
import { hashGiftCardCode } from './gift-card-code.js';
import { TenderEntryKind } from './gift-card.entity.js';
import { take, type TenderAccount } from './tender-ledger.js';

export const GIFT_CARD = 'gift-card';
export const STORE_CREDIT = 'store-credit';

const FIELD = 'input.discounts';
const refuse = (reason: string, message: string) => new OrdoError('BAD_USER_INPUT', message, { field: FIELD, reason, fields: [{ path: FIELD, message }] });

export const tenderStep: PricingStep = {
  kinds: [GIFT_CARD, STORE_CREDIT],
  tender: true,
  async apply(input: PricingInput): Promise<OrderDiscountRecord[]> {
    let owed = input.total - input.discounted;
    const out: OrderDiscountRecord[] = [];
    const cards = new Set<string>();
    let storeCredit = false;
    for (const r of input.requests) {
      if (owed <= 0) break; // paid in full by what came before: nothing more is taken
      if (r.kind === GIFT_CARD) {
        const d = await spendGiftCard(input, r, owed, cards);
        out.push(d);
        owed -= d.amount;
      } else {
        if (storeCredit) throw refuse('STORE_CREDIT_TWICE', 'Ask for store credit once per order.');
        storeCredit = true;
        const d = await spendStoreCredit(input, r, owed);
        out.push(d);
        owed -= d.amount;
      }
    }
    return out;
  },
};

async function spendGiftCard(input: PricingInput, r: DiscountRequest, owed: number, seen: Set<string>): Promise<OrderDiscountRecord> {
  if (!r.code?.trim()) throw refuse('GIFT_CARD_CODE_MISSING', 'A gift-card discount needs code: the gift card\'s code.');
  const [card] = await input.tx.execute(
    'SELECT id, last4, currency_code, balance, disabled, expires_at FROM gift_card WHERE code_hash = ?', [hashGiftCardCode(r.code)]);
  if (!card) throw refuse('GIFT_CARD_UNKNOWN', 'No gift card has this code.');
  const id = String(card.id);
  const name = `gift card ••••${card.last4}`;
  if (seen.has(id)) throw refuse('GIFT_CARD_TWICE', `The ${name} is asked for twice.`);
  seen.add(id);
  if (card.currency_code !== input.currencyCode) throw refuse('GIFT_CARD_CURRENCY', `The ${name} is in ${card.currency_code}; this order is in ${input.currencyCode}.`);
  if (card.disabled === true || Number(card.disabled) === 1) throw refuse('GIFT_CARD_DISABLED', `The ${name} is disabled.`);
  const expires = card.expires_at == null ? null : new Date(card.expires_at);
  if (expires && expires.getTime() <= Date.now()) throw refuse('GIFT_CARD_EXPIRED', `The ${name} expired on ${expires.toISOString().slice(0, 10)}.`);
  const balance = Number(card.balance);
  const amount = Math.min(r.amount ?? balance, owed);
  if (amount <= 0) throw refuse('GIFT_CARD_INSUFFICIENT_BALANCE', `The ${name} has nothing left to spend.`);
  const account: TenderAccount = { kind: 'gift-card', id };
  const spent = await take(input.tx, account, {
    kind: TenderEntryKind.SPENT, amount, orderId: input.orderId, sourceKey: `spend:${input.orderId}:${id}`, note: `Spent on order ${input.orderNumber}.`,
  }, { spendable: true });
  if (spent === 'repeated') throw new Error(`gift card ${id} spent twice on order ${input.orderId}`);
  if (spent === 'insufficient') {
    // Someone else spent it in the meantime (or it was disabled, or expired, this very moment).
    const [now] = await input.tx.execute('SELECT balance FROM gift_card WHERE id = ?', [id]);
    throw refuse('GIFT_CARD_INSUFFICIENT_BALANCE',
      `The ${name} has ${formatMoney(Number(now?.balance ?? 0), input.currencyCode)} left; ${formatMoney(amount, input.currencyCode)} were asked for. Nothing was charged.`);
  }
  input.recordEvent('gift_card.spent', { giftCardId: id, orderId: input.orderId, amount, balance: spent.balance });
  return { kind: GIFT_CARD, label: `Gift card ••••${card.last4}`, amount, reference: id, tender: true };
}

async function spendStoreCredit(input: PricingInput, r: DiscountRequest, owed: number): Promise<OrderDiscountRecord> {
  if (!input.customerId) throw refuse('STORE_CREDIT_SIGN_IN', 'Sign in to spend store credit.');
  const [acc] = await input.tx.execute('SELECT id, balance FROM store_credit_account WHERE customer_id = ? AND currency_code = ?', [input.customerId, input.currencyCode]);
  const balance = Number(acc?.balance ?? 0);
  const amount = Math.min(r.amount ?? balance, owed);
  if (!acc || amount <= 0) throw refuse('STORE_CREDIT_INSUFFICIENT_BALANCE', `You have no store credit in ${input.currencyCode} to spend.`);
  const account: TenderAccount = { kind: 'store-credit', id: String(acc.id), customerId: input.customerId, currencyCode: input.currencyCode };
  const spent = await take(input.tx, account, {
    kind: TenderEntryKind.SPENT, amount, orderId: input.orderId, sourceKey: `spend:${input.orderId}:${account.id}`, note: `Spent on order ${input.orderNumber}.`,
  });
  if (spent === 'repeated') throw new Error(`store credit ${account.id} spent twice on order ${input.orderId}`);
  if (spent === 'insufficient') {
    const [now] = await input.tx.execute('SELECT balance FROM store_credit_account WHERE id = ?', [account.id]);
    throw refuse('STORE_CREDIT_INSUFFICIENT_BALANCE',
      `You have ${formatMoney(Number(now?.balance ?? 0), input.currencyCode)} of store credit; ${formatMoney(amount, input.currencyCode)} were asked for.`);
  }
  input.recordEvent('store_credit.changed', { customerId: input.customerId, currencyCode: input.currencyCode, orderId: input.orderId, amount: -amount, balance: spent.balance });
  return { kind: STORE_CREDIT, label: 'Store credit', amount, reference: account.id, tender: true };
}
