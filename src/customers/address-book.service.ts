// A customer's address book: saved addresses (at most MAX_ADDRESSES), one default for shipping and one for
// billing. Every call is the signed-in customer's own: an address of another customer is NOT_FOUND, as
// an unknown id is (nothing tells whether it exists), and nothing changes.
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { badInput, notFound } from '../kernel/errors.js';
import type { AppRuntime } from '../kernel/runtime.js';
import { Customer } from './customer.entity.js';
import { CustomerAddress } from './customer-address.entity.js';
import type { CustomerAddressInput, UpdateCustomerAddressInput } from './customer-address.inputs.js';

/** How many addresses a customer may keep. */
export const MAX_ADDRESSES = 20;

export type AddressKind = 'SHIPPING' | 'BILLING';

/** Optional text: trimmed, an empty string is null (cleared). */
const optional = (v: string | undefined | null) => (v === undefined ? undefined : v?.trim() || null);

export class AddressBookService {
  constructor(private readonly app: AppRuntime) {}

  /**
   * Saves an address. The customer's row is locked while the book is counted (PostgreSQL; SQLite writes one
   * at a time), so that requests at once cannot pass the limit together. The first address becomes the
   * default for shipping and billing where none is set.
   */
  async add(em: Em, customerId: string, input: CustomerAddressInput): Promise<CustomerAddress> {
    return em.transactional(async (tx) => {
      await dialectOf(tx).lockRows(tx, 'SELECT id FROM customer WHERE id = ?', [customerId]);
      const customer = await tx.findOne(Customer, { id: customerId }, { refresh: true });
      if (!customer) throw notFound('The customer');
      if ((await tx.count(CustomerAddress, { customer: customerId })) >= MAX_ADDRESSES) {
        throw badInput(`An address book holds at most ${MAX_ADDRESSES} addresses: remove one first.`, 'input');
      }
      const address = tx.create(CustomerAddress, {
        customer, label: optional(input.label) ?? null, name: input.name.trim(), line1: input.line1.trim(), line2: optional(input.line2) ?? null,
        city: input.city.trim(), region: optional(input.region) ?? null, postalCode: input.postalCode.trim(), countryCode: input.countryCode,
        phone: optional(input.phone) ?? null,
      });
      tx.persist(address);
      customer.defaultShippingAddressId ??= address.id;
      customer.defaultBillingAddressId ??= address.id;
      return address;
    });
  }

  async update(em: Em, customerId: string, id: string, input: UpdateCustomerAddressInput): Promise<CustomerAddress> {
    const address = await this.own(em, customerId, id);
    for (const key of ['name', 'line1', 'city', 'postalCode', 'countryCode'] as const) {
      const v = input[key]?.trim();
      if (v) address[key] = v;
    }
    for (const key of ['label', 'line2', 'region', 'phone'] as const) {
      const v = optional(input[key]);
      if (v !== undefined) address[key] = v;
    }
    await em.flush();
    return address;
  }

  /** Deletes the address; a default it was is cleared (the customer then has none of that kind). */
  async remove(em: Em, customerId: string, id: string): Promise<boolean> {
    return em.transactional(async (tx) => {
      const gone = await tx.nativeDelete(CustomerAddress, { id, customer: customerId });
      if (!gone) throw notFound('The address');
      await tx.nativeUpdate(Customer, { id: customerId, defaultShippingAddressId: id }, { defaultShippingAddressId: null });
      await tx.nativeUpdate(Customer, { id: customerId, defaultBillingAddressId: id }, { defaultBillingAddressId: null });
      return true;
    });
  }

  /**
   * Makes one of the customer's addresses the default of a kind. One UPDATE that holds only while the
   * address is still the customer's, so a removal at the same time cannot leave a default pointing nowhere.
   */
  async setDefault(em: Em, customerId: string, id: string, kind: AddressKind): Promise<Customer> {
    const column = kind === 'SHIPPING' ? 'default_shipping_address_id' : 'default_billing_address_id';
    const res = await em.execute(
      `UPDATE customer SET ${column} = ? WHERE id = ? AND EXISTS (SELECT 1 FROM customer_address a WHERE a.id = ? AND a.customer_id = ?)`,
      [id, customerId, id, customerId], 'run',
    );
    if (!Number((res as { affectedRows?: number }).affectedRows ?? 0)) throw notFound('The address');
    return em.findOneOrFail(Customer, { id: customerId }, { refresh: true });
  }

  list(em: Em, customerId: string): Promise<CustomerAddress[]> {
    return em.find(CustomerAddress, { customer: customerId }, { orderBy: { id: 'asc' } });
  }

  private async own(em: Em, customerId: string, id: string): Promise<CustomerAddress> {
    const address = await em.findOne(CustomerAddress, { id, customer: customerId });
    if (!address) throw notFound('The address');
    return address;
  }
}
