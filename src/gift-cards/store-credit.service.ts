// A customer's store credit: staff adjustments, the balances and the ledger, and a return credited to
// store credit instead of the payment (returns' return-settlement.ts calls creditReturn in its transaction).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { MAX_AMOUNT, formatMoney } from '../kernel/money.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { Customer } from '../customers/customer.entity.js';
import { TenderEntryKind } from './gift-card.entity.js';
import { StoreCreditAccount } from './store-credit.entity.js';
import { give, storeCreditAccount, take } from './tender-ledger.js';

export class StoreCreditService {
  constructor(private readonly app: AppRuntime) {}

  /** Adds (amount > 0) or takes (amount < 0) in one currency, with a reason; never below zero. */
  async adjust(em: Em, principal: Principal, customerId: string, currencyCode: string, amount: number, reason: string, idempotencyKey?: string | null): Promise<StoreCreditAccount> {
    checkIdempotencyKey(idempotencyKey);
    const currency = currencyCode?.toUpperCase() ?? '';
    if (!/^[A-Z]{3}$/.test(currency)) throw badInput('currencyCode is an ISO 4217 code such as EUR.', 'currencyCode');
    if (!Number.isSafeInteger(amount) || amount === 0 || Math.abs(amount) > MAX_AMOUNT) throw badInput('amount is a non-zero number of minor units.', 'amount');
    const why = reason?.trim();
    if (!why || why.length > 500) throw badInput('reason is 1 to 500 characters.', 'reason');
    return em.fork().transactional(async (tx) => once(tx, `adjustStoreCredit:${keyOwner(principal)}`, idempotencyKey, { customerId, currency, amount, reason: why }, async () => {
      if (!(await tx.findOne(Customer, { id: customerId }))) throw notFound(`Customer ${customerId}`);
      const account = await storeCreditAccount(tx, customerId, currency);
      const posting = { kind: TenderEntryKind.ADJUSTED, amount: Math.abs(amount), sourceKey: `adjust:${account.id}:${idempotencyKey ?? `${Date.now()}-${Math.random()}`}`, note: `${why} (${actorName(principal)})` };
      let balance: number | null;
      if (amount > 0) balance = await give(tx, account, posting);
      else {
        const r = await take(tx, account, posting);
        if (r === 'insufficient') {
          const [row] = await tx.execute('SELECT balance FROM store_credit_account WHERE id = ?', [account.id]);
          throw new OrdoError('BAD_USER_INPUT', `The customer has ${formatMoney(Number(row?.balance ?? 0), currency)} of store credit: it cannot go below zero.`, { field: 'amount', reason: 'STORE_CREDIT_INSUFFICIENT_BALANCE' });
        }
        balance = r === 'repeated' ? null : r.balance;
      }
      if (balance === null) throw new OrdoError('CONFLICT', 'This adjustment was posted before.');
      recordEvent(tx, 'store_credit.changed', { customerId, currencyCode: currency, amount, balance, reason: why }, customerId);
      return tx.findOneOrFail(StoreCreditAccount, { id: account.id });
    }, (firstId) => tx.findOneOrFail(StoreCreditAccount, { id: firstId })));
  }

  balances(em: Em, customerId: string): Promise<StoreCreditAccount[]> {
    return em.find(StoreCreditAccount, { customerId }, { orderBy: { currencyCode: 'asc' } });
  }
}

/**
 * A return resolved as store credit: `amount` credited to the order's customer in the order's currency,
 * once per return (the entry's key). In the caller's transaction. Returns the new balance, or null when
 * it was credited before.
 */
export async function creditReturn(tx: Em, order: { id: string; number: string; currencyCode: string; customer?: { id: string } | null }, returnId: string, returnNumber: string, amount: number): Promise<number | null> {
  if (!order.customer) throw new Error(`order ${order.id} has no customer to credit`);
  if (amount <= 0) return null;
  const account = await storeCreditAccount(tx, order.customer.id, order.currencyCode);
  const balance = await give(tx, account, {
    kind: TenderEntryKind.RETURN_CREDIT, amount, orderId: order.id, sourceKey: `return:${returnId}`, note: `Return ${returnNumber} of order ${order.number}.`,
  });
  if (balance !== null) recordEvent(tx, 'store_credit.changed', { customerId: order.customer.id, currencyCode: order.currencyCode, orderId: order.id, amount, balance, returnId }, order.id);
  return balance;
}
