/**
 * Who a customer is in the customer report: a signed-in customer's id; a guest (no customer id) by the
 * order's e-mail address, lower-cased, so a guest's orders under one address are one customer's.
 */
export function customerKey(customerId: string | null | undefined, email: string): string {
  return customerId ? customerId : `email:${email.trim().toLowerCase()}`;
}
