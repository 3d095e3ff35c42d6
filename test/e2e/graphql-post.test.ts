// POST /graphql has two paths (kernel/graphql-post.ts): a JSON body of known length goes straight to
// Apollo, anything else through express. A client must not be able to tell them apart: each request here
// is sent twice on a raw socket, once with Content-Length (the direct path) and once chunked (express),
// and the answers must be the same bytes (status line, every header in order, body), apart from the date
// and a request id made afresh, with the same request log line. The direct path's counter shows which
// path answered, so the comparison cannot pass by both going through express.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { graphqlPostAnswered } from '../../src/kernel/graphql-post.js';

const SHOP = 'https://shop.example';

interface RawAnswer { head: string[]; body: string }

/** Sends bytes on a fresh connection (the request says `Connection: close`) and returns the answer as read. */
function exchange(port: number, request: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const at = text.indexOf('\r\n\r\n');
      resolve({ head: text.slice(0, at).split('\r\n'), body: text.slice(at + 4) });
    });
    socket.end(request);
  });
}

type Path = 'direct' | 'express';

/** The request as the direct path takes it (Content-Length) or as only express does (chunked). */
function request(path: Path, body: Buffer, headers: Record<string, string>, target = '/graphql'): Buffer {
  const lines = [`POST ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (path === 'direct') {
    lines.push(`Content-Length: ${body.length}`);
    return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), body]);
  }
  lines.push('Transfer-Encoding: chunked');
  const chunked = body.length ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), chunked, Buffer.from('0\r\n\r\n')]);
}

/** What must be the same: every header line but the date, and the request id unless the client chose it. */
const comparable = (a: RawAnswer, ownId: boolean) => ({
  head: a.head.filter((l) => !/^date:/i.test(l) && (ownId || !/^x-request-id:/i.test(l))),
  body: a.body,
});

describe('POST /graphql: the direct path answers as express does', () => {
  let t: TestEngine;
  let port: number;
  const log: string[] = [];
  beforeAll(async () => {
    t = await startTestEngine('sqlite', { env: { ORDO_CORS_ORIGINS: SHOP, ORDO_DEBUG_SQL: '1', LOG_LEVEL: 'info' }, logTo: { write: (s: string) => void log.push(s) } });
    port = Number(new URL(t.url).port);
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** The request log's line for a request id, without what differs from request to request. */
  const logLine = async (id: string) => {
    for (let i = 0; i < 50; i++) {
      const line = log.map((l) => JSON.parse(l)).find((l) => l.requestId === id);
      if (line) {
        const { time: _t, pid: _p, requestId: _r, durationMs, ...rest } = line;
        expect(typeof durationMs).toBe('number');
        return rest;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no log line for ${id}`);
  };

  /** Sends the request both ways; returns the direct path's answer after checking express gave the same. */
  const both = async (body: string | Buffer, headers: Record<string, string> = {}) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const ownId = 'x-request-id' in headers;
    const before = graphqlPostAnswered.count;
    const direct = await exchange(port, request('direct', bytes, headers));
    expect(graphqlPostAnswered.count, 'the direct path answered').toBe(before + 1);
    const viaExpress = await exchange(port, request('express', bytes, headers));
    expect(graphqlPostAnswered.count, 'express answered').toBe(before + 1);
    expect(comparable(direct, ownId)).toEqual(comparable(viaExpress, ownId));
    const idOf = (a: RawAnswer) => a.head.find((l) => /^x-request-id:/i.test(l))!.split(': ')[1];
    expect(await logLine(idOf(direct))).toEqual(await logLine(idOf(viaExpress)));
    return { status: Number(direct.head[0].split(' ')[1]), head: direct.head, json: direct.body ? JSON.parse(direct.body) : null };
  };
  const json = { 'Content-Type': 'application/json' };

  it('answers queries, errors and mutations the same, with Content-Length and ETag', async () => {
    const ok = await both(JSON.stringify({ query: '{ __typename }' }), json);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ data: { __typename: 'Query' } });
    expect(ok.head).toEqual(expect.arrayContaining([expect.stringMatching(/^ETag: W\/"/), 'Content-Length: 32', 'Content-Type: application/json; charset=utf-8', 'cache-control: no-store']));
    const invalid = await both(JSON.stringify({ query: '{ nope }' }), json);
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const named = await both(JSON.stringify({ query: 'query A { __typename } query B { shop: __typename }', operationName: 'B' }), json);
    expect(named.json).toEqual({ data: { shop: 'Query' } });
    const refused = await both(JSON.stringify({ query: 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { order { id } } }', variables: { i: { lines: [] } } }), json);
    expect(refused.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const staff = await both(JSON.stringify({ query: '{ orders(first: 1) { totalCount } }' }), { ...json, Authorization: `Bearer ${ADMIN_KEY}` });
    expect(staff.json).toEqual({ data: { orders: { totalCount: 0 } } });
    const badToken = await both(JSON.stringify({ query: '{ __typename }' }), { ...json, Authorization: 'Bearer not-a-token' });
    expect(badToken.status).toBe(401);
  });

  it('reads the body as body-parser does: BOM dropped, empty as {}, only an object or array, malformed refused', async () => {
    const bom = await both(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ query: '{ __typename }' }))]), json);
    expect(bom.json).toEqual({ data: { __typename: 'Query' } });
    const spaced = await both(`\r\n  ${JSON.stringify({ query: '{ __typename }' })}`, { 'Content-Type': 'application/json; charset=UTF-8' });
    expect(spaced.json).toEqual({ data: { __typename: 'Query' } });
    const empty = await both('', json);
    expect(empty.status).toBe(400);
    for (const body of ['nope', '"a string"', '42', '{"query": ']) {
      const r = await both(body, json);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    const batch = await both(JSON.stringify([{ query: '{ __typename }' }]), json);
    expect(batch.status).toBe(400);
  });

  it('keeps CORS, the client\'s request id, the SQL count header and the answer types a client asks for', async () => {
    const cors = await both(JSON.stringify({ query: '{ __typename }' }), { ...json, Origin: SHOP });
    expect(cors.head).toEqual(expect.arrayContaining([`Access-Control-Allow-Origin: ${SHOP}`]));
    const other = await both(JSON.stringify({ query: '{ __typename }' }), { ...json, Origin: 'https://evil.example' });
    expect(other.head.some((l) => /^access-control-allow-origin/i.test(l))).toBe(false);
    const id = await both(JSON.stringify({ query: '{ __typename }' }), { ...json, 'x-request-id': 'client-id-42' });
    expect(id.head).toContain('x-request-id: client-id-42');
    const counted = await both(JSON.stringify({ query: '{ orders(first: 1) { totalCount } }' }), { ...json, Authorization: `Bearer ${ADMIN_KEY}`, 'x-ordo-count-sql': '1' });
    expect(counted.head.find((l) => l.startsWith('x-ordo-sql-count: '))).toMatch(/^x-ordo-sql-count: [1-9]/);
    const modern = await both(JSON.stringify({ query: '{ nope }' }), { ...json, Accept: 'application/graphql-response+json' });
    expect(modern.head).toContain('Content-Type: application/graphql-response+json; charset=utf-8');
    expect(modern.status).toBe(400);
  });

  it('survives a client that goes away halfway through its body, and logs the request as aborted', async () => {
    const before = graphqlPostAnswered.count;
    const body = Buffer.from(JSON.stringify({ query: '{ __typename }' }));
    const id = 'gone-halfway';
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        const head = ['POST /graphql HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json', `x-request-id: ${id}`, `Content-Length: ${body.length}`].join('\r\n');
        socket.write(`${head}\r\n\r\n`);
        socket.write(body.subarray(0, 10), () => setTimeout(() => { socket.destroy(); resolve(); }, 50));
      });
      socket.on('error', reject);
    });
    expect(graphqlPostAnswered.count).toBe(before + 1);
    expect(await logLine(id)).toMatchObject({ method: 'POST', path: '/graphql', msg: 'request aborted' });
    const after = await both(JSON.stringify({ query: '{ __typename }' }), json);
    expect(after.json).toEqual({ data: { __typename: 'Query' } });
  });

  it('leaves every other request to express', async () => {
    const before = graphqlPostAnswered.count;
    const query = Buffer.from(JSON.stringify({ query: '{ __typename }' }));
    for (const [headers, target] of [
      [{ 'Content-Type': 'application/json; charset=latin1' }, '/graphql'],
      [{ 'Content-Type': 'text/plain' }, '/graphql'],
      [json, '/graphql/'],
      [{ ...json, 'Content-Encoding': 'gzip' }, '/graphql'],
    ] as const) {
      await exchange(port, request('direct', query, headers, target));
    }
    const large = Buffer.from(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1024 * 1024) } }));
    const tooLarge = await exchange(port, request('direct', large, json));
    expect(tooLarge.head[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(graphqlPostAnswered.count).toBe(before);
  });
});
