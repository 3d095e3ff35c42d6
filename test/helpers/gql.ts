// A GraphQL client over HTTP, like a storefront's.
export interface GqlResult<T = any> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
  status: number;
  sqlCount?: number;
}

export async function gqlAt<T = any>(url: string, query: string, variables?: Record<string, unknown>, token?: string, headers: Record<string, string> = {}): Promise<GqlResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResult<T>;
  const sql = res.headers.get('x-ordo-sql-count');
  return { ...body, status: res.status, sqlCount: sql === null ? undefined : Number(sql) };
}

export const codeOf = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
export const fieldOf = (r: GqlResult) => r.errors?.[0]?.extensions?.field as string | undefined;

/** Data or a thrown error with the GraphQL errors in the message. */
export function ok<T>(r: GqlResult<T>): T {
  if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data;
}
