// @ts-check
// The engine over HTTP: sign-in and the customer's order list. GraphQL errors come back as EngineError
// with the engine's code (extensions.code), so that callers can tell "sign in again" from the rest.

/**
 * @typedef {{ id: string, status: string, trackingNumber: string | null }} Shipment
 * @typedef {{ id: string, number: string, status: string, updatedAt: string, shipments: Shipment[] }} Order
 */

export class EngineError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** The network was not there (no answer at all): worth trying again later. */
export class OfflineError extends Error {}

const ORDER_FIELDS = 'id number status updatedAt shipments { id status trackingNumber }';

const LOGIN = `mutation PhoneLogin($email: String!, $password: String!) {
  login(email: $email, password: $password) { token customer { email } }
}`;

const MY_ORDERS = `query PhoneOrders($after: String) {
  me { email orders(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${ORDER_FIELDS} } } }
}`;

export const MY_ORDER_EVENTS = `subscription PhoneOrderEvents {
  myOrderEvents { type at message order { ${ORDER_FIELDS} } shipment { id status trackingNumber } }
}`;

/**
 * @param {string} url
 * @param {string} query
 * @param {Record<string, unknown>} variables
 * @param {string} [token]
 * @returns {Promise<any>}
 */
async function request(url, query, variables, token) {
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new OfflineError(`no answer from ${url}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : e}`);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    // A proxy's error page, a restart in progress: not the engine answering.
    throw new OfflineError(`${url} answered HTTP ${res.status} without a GraphQL response`);
  }
  const err = body.errors?.[0];
  if (err) throw new EngineError(String(err.extensions?.code ?? 'UNKNOWN'), err.message);
  return body.data;
}

/**
 * A new customer session.
 * @param {string} url @param {string} email @param {string} password
 * @returns {Promise<{ token: string, email: string }>}
 */
export async function login(url, email, password) {
  const data = await request(url, LOGIN, { email, password });
  return { token: data.login.token, email: data.login.customer.email };
}

/**
 * Every order of the signed-in customer, newest first (pages of 50).
 * @param {string} url @param {string} token
 * @returns {Promise<{ email: string, orders: Order[] }>}
 */
export async function myOrders(url, token) {
  /** @type {Order[]} */
  const orders = [];
  let after = null;
  let email = '';
  for (;;) {
    const data = await request(url, MY_ORDERS, { after }, token);
    // `me` is null for a token that is not a customer session (an admin key, an order token).
    if (!data.me) throw new EngineError('FORBIDDEN', 'This token is not a customer session.');
    email = data.me.email;
    orders.push(...data.me.orders.nodes);
    if (!data.me.orders.pageInfo.hasNextPage) return { email, orders };
    after = data.me.orders.pageInfo.endCursor;
  }
}
