// Staff notes on an order: history entries of type NOTE (the timeline shows them in place). Buyers never
// see them: the history field leaves STAFF_ONLY_HISTORY out for everyone but staff.
import { badInput } from '../kernel/errors.js';
import type { Em } from '../kernel/db/orm.js';
import { addHistory } from './order-history.js';

export const MAX_NOTE_LENGTH = 2000;

/** History kinds only staff read: notes and tags are the merchant's own words about the buyer. */
export const STAFF_ONLY_HISTORY = new Set(['NOTE', 'TAGGED', 'UNTAGGED']);

/** A note in the caller's transaction; BAD_USER_INPUT for an empty or too long text. */
export function addOrderNoteIn(tx: Em, order: { id: string }, text: string, actor: string, field = 'text'): void {
  const note = text.trim();
  if (!note || note.length > MAX_NOTE_LENGTH) throw badInput(`A note has 1 to ${MAX_NOTE_LENGTH} characters.`, field);
  addHistory(tx, order, { type: 'NOTE', message: note, actor });
}
