// Staff's labels on customers. A customer group is a tag (no table of its own): promotions' customer
// conditions and the admin list's filter match these lower-cased strings.
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { badInput, notFound } from '../kernel/errors.js';
import { Customer } from './customer.entity.js';

/** A customer holds at most this many tags; one call gives at most this many. */
export const MAX_CUSTOMER_TAGS = 50;
/** A tag's length in characters (after trimming). */
export const MAX_TAG_LENGTH = 40;

/** Trimmed, lower-cased, de-duplicated; BAD_USER_INPUT for an empty, too long or control-character tag. */
export function normaliseTags(tags: string[], field = 'tags'): string[] {
  if (tags.length > MAX_CUSTOMER_TAGS) throw badInput(`Give at most ${MAX_CUSTOMER_TAGS} tags.`, field);
  const out = new Set<string>();
  for (const raw of tags) {
    const tag = raw.trim().toLowerCase();
    // eslint-disable-next-line no-control-regex
    if (!tag || tag.length > MAX_TAG_LENGTH || /[\u0000-\u001f\u007f]/.test(tag)) {
      throw badInput(`A tag has 1 to ${MAX_TAG_LENGTH} characters and no control characters.`, field);
    }
    out.add(tag);
  }
  return [...out];
}

/**
 * Adds or removes tags in one transaction with the customer's row locked (PostgreSQL), so that two staff
 * members tagging at once do not lose each other's tags. More than MAX_CUSTOMER_TAGS: BAD_USER_INPUT.
 */
export async function changeTags(em: Em, customerId: string, tags: string[], add: boolean): Promise<Customer> {
  const given = normaliseTags(tags);
  return em.transactional(async (tx) => {
    await dialectOf(tx).lockRows(tx, 'SELECT id FROM customer WHERE id = ?', [customerId]);
    const customer = await tx.findOne(Customer, { id: customerId }, { refresh: true });
    if (!customer) throw notFound('The customer');
    const now = customer.tags ?? [];
    const next = add ? [...new Set([...now, ...given])] : now.filter((t) => !given.includes(t));
    if (next.length > MAX_CUSTOMER_TAGS) throw badInput(`A customer holds at most ${MAX_CUSTOMER_TAGS} tags.`, 'tags');
    customer.tags = next;
    return customer;
  });
}
