// Staff's list of customers: search by email or name (case-insensitive on both databases), tags (every
// one given), creation dates; newest first, keyset-paged like every list (kernel/pagination.ts).
import { raw, type FilterQuery } from '@mikro-orm/core';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination.js';
import { Customer } from './customer.entity.js';
import { normaliseTags } from './customer-tags.js';

export interface CustomerFilterArgs {
  search?: string | null;
  tags?: string[] | null;
  createdFrom?: Date | null;
  createdTo?: Date | null;
}

export async function listCustomers(em: Em, filter: CustomerFilterArgs | null | undefined, first?: number | null, after?: string | null): Promise<Page<Customer>> {
  const size = pageSize(first);
  const cursor = decodeCursor(after);
  const tags = filter?.tags?.length ? normaliseTags(filter.tags, 'filter.tags') : [];
  const text = filter?.search?.replace(/[%_\\]/g, '').trim().toLowerCase();
  const dialect = dialectOf(em);
  // Built anew for each statement: a raw fragment is used up by the statement it is in.
  const where = (withCursor: boolean): FilterQuery<Customer> => {
    const and: FilterQuery<Customer>[] = [];
    if (text) {
      const like = dialect.ilike(`%${text}%`);
      and.push({ $or: [{ email: like }, { name: like }] } as FilterQuery<Customer>);
    }
    for (const tag of tags) {
      and.push({ [raw(`exists (select 1 from ${dialect.jsonArrayRows('tags')} where value = ?)`, [tag])]: [] } as FilterQuery<Customer>);
    }
    if (filter?.createdFrom) and.push({ createdAt: { $gte: filter.createdFrom } });
    if (filter?.createdTo) and.push({ createdAt: { $lt: filter.createdTo } });
    if (withCursor && cursor) and.push({ id: { $lt: cursor } });
    return and.length ? { $and: and } : {};
  };
  const rows = size === 0 ? [] : await em.find(Customer, where(true), { orderBy: { id: 'desc' }, limit: size + 1 });
  return toPage(rows, size, () => em.count(Customer, where(false)), cursor);
}
