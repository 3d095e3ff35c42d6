// Gift cards for staff (issue, disable, adjust, list) and a buyer's balance check by code. Issuing
// answers the code once: only its hash and last four characters are kept (gift-card-code.ts).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { actorName, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { MAX_AMOUNT, formatMoney } from '../kernel/money.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { GiftCard, TenderEntryKind } from './gift-card.entity.js';
import { hashGiftCardCode, last4Of, newGiftCardCode } from './gift-card-code.js';
import { give, take } from './tender-ledger.js';

export interface IssueGiftCard {
  currencyCode: string;
  amount: number;
  expiresAt?: Date | null;
  note?: string | null;
  recipientEmail?: string | null;
}

export class GiftCardService {
  constructor(private readonly app: AppRuntime) {}

  /** A new card with its ISSUED entry; the code in the answer is the only copy (null on a repeated key). */
  async issue(em: Em, principal: Principal, input: IssueGiftCard, idempotencyKey?: string | null): Promise<{ card: GiftCard; code: string | null }> {
    checkIdempotencyKey(idempotencyKey);
    const currencyCode = input.currencyCode.toUpperCase();
    if (!/^[A-Z]{3}$/.test(currencyCode)) throw badInput('currencyCode is an ISO 4217 code such as EUR.', 'input.currencyCode');
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_AMOUNT) throw badInput('amount is a positive number of minor units.', 'input.amount');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badInput('expiresAt must be in the future.', 'input.expiresAt');
    let code: string | null = null;
    const card = await em.fork().transactional(async (tx) => once(tx, `issueGiftCard:${keyOwner(principal)}`, idempotencyKey, { ...input, currencyCode }, async () => {
      code = newGiftCardCode();
      const card = tx.create(GiftCard, {
        codeHash: hashGiftCardCode(code), last4: last4Of(code), currencyCode, initialAmount: input.amount, balance: 0,
        expiresAt: input.expiresAt ?? null, note: input.note ?? null, recipientEmail: input.recipientEmail?.toLowerCase() ?? null,
      });
      await tx.persistAndFlush(card);
      // The balance comes from the ledger like every other change: issued = the first entry.
      card.balance = (await give(tx, { kind: 'gift-card', id: card.id }, {
        kind: TenderEntryKind.ISSUED, amount: input.amount, sourceKey: `issue:${card.id}`, note: `Issued by ${actorName(principal)}.`,
      }))!;
      recordEvent(tx, 'gift_card.issued', { giftCardId: card.id, last4: card.last4, currencyCode, amount: input.amount, recipientEmail: card.recipientEmail }, card.id);
      return card;
    }, (id) => tx.findOneOrFail(GiftCard, { id })));
    return { card, code };
  }

  async disable(em: Em, principal: Principal, id: string): Promise<GiftCard> {
    return em.fork().transactional(async (tx) => {
      // One statement: the pricing step's conditional UPDATE sees it at once.
      await tx.execute('UPDATE gift_card SET disabled = true, updated_at = ? WHERE id = ?', [dialectOf(tx).date(new Date()), id], 'run');
      const card = await tx.findOne(GiftCard, { id });
      if (!card) throw notFound(`Gift card ${id}`);
      recordEvent(tx, 'gift_card.disabled', { giftCardId: id, by: actorName(principal) }, id);
      return card;
    });
  }

  /** Adds (amount > 0) or takes (amount < 0) with a reason; never below zero. */
  async adjust(em: Em, principal: Principal, id: string, amount: number, reason: string, idempotencyKey?: string | null): Promise<GiftCard> {
    checkIdempotencyKey(idempotencyKey);
    if (!Number.isSafeInteger(amount) || amount === 0 || Math.abs(amount) > MAX_AMOUNT) throw badInput('amount is a non-zero number of minor units.', 'amount');
    const why = reason?.trim();
    if (!why || why.length > 500) throw badInput('reason is 1 to 500 characters.', 'reason');
    return em.fork().transactional(async (tx) => once(tx, `adjustGiftCard:${keyOwner(principal)}`, idempotencyKey, { id, amount, reason: why }, async () => {
      const card = await tx.findOne(GiftCard, { id });
      if (!card) throw notFound(`Gift card ${id}`);
      const account = { kind: 'gift-card' as const, id };
      const posting = { kind: TenderEntryKind.ADJUSTED, amount: Math.abs(amount), sourceKey: `adjust:${id}:${idempotencyKey ?? newKey()}`, note: `${why} (${actorName(principal)})` };
      let balance: number | null;
      if (amount > 0) balance = await give(tx, account, posting);
      else {
        const r = await take(tx, account, posting);
        if (r === 'insufficient') throw new OrdoError('BAD_USER_INPUT', `The card has ${formatMoney(card.balance, card.currencyCode)}: its balance cannot go below zero.`, { field: 'amount', reason: 'GIFT_CARD_INSUFFICIENT_BALANCE' });
        balance = r === 'repeated' ? null : r.balance;
      }
      if (balance === null) throw new OrdoError('CONFLICT', 'This adjustment was posted before.');
      await tx.refresh(card);
      recordEvent(tx, 'gift_card.adjusted', { giftCardId: id, amount, balance, reason: why }, id);
      return card;
    }, (firstId) => tx.findOneOrFail(GiftCard, { id: firstId })));
  }

  /** A buyer's balance check: the card a code names, or NOT_FOUND. */
  async byCode(em: Em, code: string): Promise<GiftCard> {
    const card = code?.trim() ? await em.findOne(GiftCard, { codeHash: hashGiftCardCode(code) }) : null;
    if (!card) throw notFound('A gift card with this code');
    return card;
  }
}

let seq = 0;
const newKey = () => `${Date.now().toString(36)}-${process.pid}-${seq++}`;
