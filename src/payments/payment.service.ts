import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { StateMachine } from '../kernel/state-machine.js';
import type { PaymentProvider } from './payment-provider.js';
import { Payment, PaymentStatus } from './payment.entity.js';
import { manual } from './providers/manual.js';
import { testCard } from './providers/test-card.js';

const S = PaymentStatus;
export const paymentMachine = new StateMachine<PaymentStatus, Payment>('payment', {
  [S.PENDING]: [S.AUTHORIZED, S.PAID, S.DECLINED, S.VOIDED],
  [S.AUTHORIZED]: [S.PAID, S.VOIDED],
  [S.PAID]: [S.PARTIALLY_REFUNDED, S.REFUNDED],
  [S.PARTIALLY_REFUNDED]: [S.PARTIALLY_REFUNDED, S.REFUNDED],
  [S.REFUNDED]: [],
  [S.VOIDED]: [],
  [S.DECLINED]: [],
});

export class PaymentService {
  private providers = new Map<string, PaymentProvider>();

  constructor(private readonly app: AppRuntime) {
    this.register(testCard);
    this.register(manual);
  }

  /** Plugins add providers here (for example a real card gateway). */
  register(provider: PaymentProvider): void {
    this.providers.set(provider.code, provider);
  }

  provider(code: string): PaymentProvider {
    const p = this.providers.get(code);
    if (!p) throw badInput(`Unknown payment method "${code}": use one of ${[...this.providers.keys()].join(', ')}.`, 'payment.method');
    return p;
  }

  /** Voids an authorization (order cancelled). A payment already captured is left to refunds. */
  async voidForCancellation(em: Em, payment: Payment): Promise<boolean> {
    if (payment.status !== S.AUTHORIZED && payment.status !== S.PENDING) return false;
    await this.provider(payment.method).void(payment.transactionId);
    await paymentMachine.transition(em, payment, S.VOIDED, 'system');
    return true;
  }

  assertProviderAnswer(result: { outcome: string; reason?: string }): void {
    if (result.outcome === 'declined') throw new OrdoError('PAYMENT_DECLINED', `Payment declined: ${result.reason ?? 'no reason given'}`);
  }
}
