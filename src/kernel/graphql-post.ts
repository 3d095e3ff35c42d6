// POST /graphql straight from node's http server to Apollo, without express. Every API request is such a
// POST, and express's share of one was measured at about 0.2 ms of CPU (its request and response
// prototypes, router, body-parser's type and charset negotiation, res.send): as much as Apollo's own
// handling of a small operation. The common case only: a JSON body of known length, UTF-8, not
// compressed, at most the body limit, on `/graphql` itself. Everything else (chunked or compressed bodies,
// other charsets or types, `/graphql/…`, OPTIONS, GET, tracing on) goes to express as before, so there
// is one answer for each odd case, not two. What the express chain does for the common case is done here
// the same way: the request id and log line and the request's scope (request-log.ts), CORS, body-parser's
// strict JSON (a BOM dropped, an empty body as `{}`, only an object or array), the body errors' answer,
// the SQL count header of benchmarks, req.ip under the same `trust proxy` setting, and res.send's
// Content-Length and weak ETag. test/e2e/graphql-post.test.ts compares both paths' answers byte for byte.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { RequestHandler } from 'express';
import proxyaddr from 'proxy-addr';
import etag from 'etag';
import type { OrdoContext } from './context.js';
import { BODY_NOT_JSON, bodyErrorJson } from './body-errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface GraphqlPostOptions {
  apollo: ApolloServer<OrdoContext>;
  /** The request log's handlers (id and line, then the scope), as express runs them first. */
  requestLog: RequestHandler[];
  cors: RequestHandler | null;
  /** Runs the request (and Apollo's answer) under the SQL counter when asked for (benchmarks). */
  countSql: Handler;
  /** express's compiled `trust proxy fn`, for the client's address. */
  trust: Parameters<typeof proxyaddr>[1];
  /** Largest body in bytes (express.json's limit). */
  limit: number;
  context: (req: IncomingMessage, ip: string) => Promise<OrdoContext>;
  onError: (err: unknown) => void;
}

/** How many requests this path answered (read by its test, which must know which path answered). */
export const graphqlPostAnswered = { count: 0 };

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** Whether this request is the common case this path answers (its headers only: nothing is read yet). */
function common(req: IncomingMessage, limit: number): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (url !== '/graphql' && !url.startsWith('/graphql?')) return false;
  const h = req.headers;
  if (h['transfer-encoding'] !== undefined) return false;
  const enc = h['content-encoding'];
  if (enc !== undefined && enc.toLowerCase() !== 'identity') return false;
  const type = h['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) return false;
  const length = h['content-length'];
  return length !== undefined && /^\d{1,8}$/.test(length) && Number(length) <= limit;
}

/** body-parser's strict JSON: an empty body is `{}`, anything but an object or array is not JSON. */
function parseBody(text: string): unknown {
  if (text.length === 0) return {};
  const first = /^[\x20\x09\x0a\x0d]*(.)/s.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError('not an object or array');
  return JSON.parse(text);
}

/** What express's res.send does with a string for a POST: length and weak ETag, then the body. */
function send(res: ServerResponse, status: number, body: string): void {
  const buf = Buffer.from(body, 'utf8');
  res.statusCode = status;
  // Set again under express's spelling of the name, as res.send does (the same bytes on the wire).
  const type = res.getHeader('content-type');
  if (typeof type === 'string') res.setHeader('Content-Type', type);
  if (!res.hasHeader('transfer-encoding')) res.setHeader('Content-Length', buf.length);
  if (!res.hasHeader('etag')) res.setHeader('ETag', etag(buf, { weak: true }));
  res.end(buf);
}

function chain(handlers: Handler[], req: IncomingMessage, res: ServerResponse, last: () => void): void {
  const step = (i: number): void => (i === handlers.length ? last() : handlers[i](req, res, () => step(i + 1)));
  step(0);
}

/** A request listener part: answers the common POST /graphql and returns true, or returns false and leaves the request alone. */
export function graphqlPost(o: GraphqlPostOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const [logLine, enterScope] = o.requestLog as unknown as Handler[];
  const before: Handler[] = [logLine, ...(o.cors ? [o.cors as unknown as Handler] : [])];
  const decoder = new TextDecoder('utf-8');

  const answer = async (req: IncomingMessage, res: ServerResponse, text: string): Promise<void> => {
    let body: unknown;
    try {
      body = parseBody(text);
    } catch {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      return send(res, 400, bodyErrorJson(BODY_NOT_JSON));
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url!;
    const q = url.indexOf('?');
    const response = await o.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: q < 0 ? '' : url.slice(q), body },
      context: () => o.context(req, proxyaddr(req, o.trust)),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.body.kind === 'complete') return send(res, response.status ?? 200, response.body.string);
    res.statusCode = response.status ?? 200;
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return (req, res) => {
    if (!common(req, o.limit)) return false;
    graphqlPostAnswered.count++;
    chain(before, req, res, () => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // The data events ran outside the request's scope: everything from here runs in it.
        const text = decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
        chain([enterScope, o.countSql], req, res, () => {
          answer(req, res, text).catch((err) => {
            o.onError(err);
            if (res.headersSent) return void res.destroy();
            res.setHeader('Content-Type', 'text/plain; charset=utf-8');
            send(res, 500, 'Internal Server Error');
          });
        });
      });
    });
    return true;
  };
}
