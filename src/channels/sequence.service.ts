// Human-facing numbers per channel. Order numbers come from a native sequence per channel where the
// database has them (PostgreSQL, Dialect.nextValueSql): it never blocks two concurrent orders (a gap
// after a rolled-back order is fine for orders). Gap-free numbers (invoices), and order numbers where
// there are no sequences (SQLite: one writer at a time anyway), use a counter row moved inside the
// caller's transaction.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner, Statement } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';

export const FIRST_ORDER_NUMBER = 1001;

/**
 * The statement that takes the next `count` gap-free numbers of (channel, kind) in the caller's
 * transaction, answering the last of them: the first number of a channel inserts the row, every later one
 * moves it by `count` (a batch of invoices takes its channel's numbers at once: invoice-plain.ts).
 */
export function takeNumbers(channelId: string, kind: string, count = 1, first = 1): Statement {
  return {
    sql: 'INSERT INTO number_sequence (channel_id, kind, value) VALUES (?, ?, ?) ON CONFLICT (channel_id, kind) DO UPDATE SET value = number_sequence.value + ? RETURNING value',
    params: [channelId, kind, first + count - 1, count],
  };
}

export class SequenceService {
  constructor(private readonly app: AppRuntime) {}

  private orderSequence(channelId: string): string {
    return `order_no_${channelId.replace(/[^a-z0-9_]/g, '')}`;
  }

  async createOrderSequence(em: Em, channelId: string): Promise<void> {
    await dialectOf(em).createSequence(em, this.orderSequence(channelId), FIRST_ORDER_NUMBER);
  }

  /**
   * An SQL expression that takes the channel's next order number, for a statement that numbers the
   * order as it does something else (see reserve); null where there are no sequences (a counter row).
   */
  orderNumberSql(em: SqlRunner, channelId: string): string | null {
    return dialectOf(em).nextValueSql(this.orderSequence(channelId));
  }

  async nextOrderNumber(em: SqlRunner, channelId: string): Promise<string> {
    const next = this.orderNumberSql(em, channelId);
    if (next) {
      const [row] = await em.execute(`SELECT ${next} AS n`);
      return String(row.n);
    }
    return String(await this.nextInTransaction(em, channelId, 'order', FIRST_ORDER_NUMBER));
  }

  /** Gap-free: the counter row is updated in the caller's transaction and rolls back with it. */
  async nextInTransaction(em: SqlRunner, channelId: string, kind: string, first = 1): Promise<number> {
    const { sql, params } = takeNumbers(channelId, kind, 1, first);
    const [row] = await em.execute(sql, params);
    return Number(row.value);
  }
}
