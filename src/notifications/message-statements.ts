// A customer message's three statements — its facts read, its row inserted already claimed, the row
// marked SENT — shared by the messages a worker sends at the same moment (an event group's mails, the
// jobs running side by side: kernel/coalescer.ts). A mail cost six statements of its own (four reads, an
// INSERT and an UPDATE); a batch of them costs six in all: four reads with IN lists, one INSERT of every
// row (on PostgreSQL one prepared shape whatever the count: postgresql-dialect.ts) and one UPDATE. A batch
// that fails runs each message alone, so a replay's row found there already is that message's own
// unique-key error, as it is without batching. Inside a caller's transaction nothing is batched: the
// statements are the transaction's.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { Coalescer } from '../kernel/coalescer.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { PlainRows } from '../kernel/db/entity-rows.js';
import { plainStatement } from '../kernel/db/plain-transaction.js';
import { marks } from '../kernel/db/sql-runner.js';
import { messageFactsOf, type FactsAsk, type MessageFacts } from './message-facts.js';
import { NotificationChannel, NotificationMessage, NotificationStatus } from './notification-message.entity.js';

/** A message row as it is first written: claimed by the run that sends it. */
export interface NewMessage {
  id: string; eventId: number; eventType: string; orderId: string | null; channel: NotificationChannel;
  recipient: string; sender: string; subject: string | null; text: string; claimedUntilMs: number; at: Date;
}

/** What a sent message's row records. */
export interface SentMark {
  id: string;
  provider: string;
  providerMessageId: string;
}

const MESSAGES = new PlainRows<NewMessage, null>(NotificationMessage.name, {
  id: (m) => m.id, eventId: (m) => m.eventId, eventType: (m) => m.eventType, orderId: (m) => m.orderId, channel: (m) => m.channel,
  recipient: (m) => m.recipient, sender: (m) => m.sender, subject: (m) => m.subject, text: (m) => m.text,
  status: () => NotificationStatus.PENDING, provider: () => '', providerMessageId: () => null, error: () => null,
  attempts: () => 1, claimedUntilMs: (m) => m.claimedUntilMs, createdAt: (m) => m.at, sentAt: () => null,
});

/** How long a statement waits for others (at most), and how many messages share one. */
const BATCH = { delayMs: 2, max: 32 };

export class MessageStatements {
  private readonly facts: Coalescer<FactsAsk, MessageFacts | null>;
  private readonly claims: Coalescer<NewMessage, void>;
  private readonly sent: Coalescer<SentMark, void>;

  constructor(app: AppRuntime) {
    const em = () => app.orm.em.fork() as Em;
    this.facts = new Coalescer((asks) => messageFactsOf(em(), asks), BATCH);
    this.claims = new Coalescer<NewMessage, void>(async (rows) => {
      await insertClaimed(em(), rows);
      return rows.map(() => undefined);
    }, BATCH);
    this.sent = new Coalescer<SentMark, void>(async (sent) => {
      await markSent(em(), sent);
      return sent.map(() => undefined);
    }, BATCH);
  }

  /** The facts of a message's order (and shipment), null when the order is gone. */
  factsOf(em: Em, ask: FactsAsk): Promise<MessageFacts | null> {
    return em.isInTransaction() ? messageFactsOf(em, [ask]).then((f) => f[0]) : this.facts.add(ask);
  }

  /** Inserts the message's row, claimed; a row for its (event, recipient, channel) there already fails with the unique key's error. */
  insertClaimed(em: Em, row: NewMessage): Promise<void> {
    return em.isInTransaction() ? insertClaimed(em, [row]) : this.claims.add(row);
  }

  /** Marks the message's row SENT. */
  markSent(em: Em, sent: SentMark): Promise<void> {
    return em.isInTransaction() ? markSent(em, [sent]) : this.sent.add(sent);
  }
}

async function insertClaimed(em: Em, rows: NewMessage[]): Promise<void> {
  const dialect = dialectOf(em);
  const [insert] = dialect.insertStatements([MESSAGES.rows(em, dialect, rows, null)]);
  await plainStatement(em, insert.sql, insert.params, 'run');
}

async function markSent(em: Em, sent: SentMark[]): Promise<void> {
  const dialect = dialectOf(em);
  if (dialect.name === 'postgresql') {
    // One text for any number of messages (the rows as one JSON parameter), so that it is prepared (pg-prepared.ts).
    const rows = sent.map((s) => ({ id: s.id, provider: s.provider, message_id: s.providerMessageId }));
    await plainStatement(
      em,
      `UPDATE notification_message n SET status = ?, sent_at = ?, provider = u.provider, provider_message_id = u.message_id, claimed_until_ms = NULL, error = NULL
       FROM json_to_recordset(CAST(? AS json)) AS u(id text, provider text, message_id text) WHERE n.id = u.id`,
      [NotificationStatus.SENT, dialect.date(new Date()), JSON.stringify(rows)],
      'run',
    );
    return;
  }
  const cases = sent.map(() => 'WHEN ? THEN ?').join(' ');
  await plainStatement(
    em,
    `UPDATE notification_message SET status = ?, sent_at = ?, provider = CASE id ${cases} END, provider_message_id = CASE id ${cases} END, claimed_until_ms = NULL, error = NULL WHERE id IN (${marks(sent.length)})`,
    [NotificationStatus.SENT, dialectOf(em).date(new Date()), ...sent.flatMap((s) => [s.id, s.provider]), ...sent.flatMap((s) => [s.id, s.providerMessageId]), ...sent.map((s) => s.id)],
    'run',
  );
}
