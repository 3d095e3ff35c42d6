// A request body the JSON parser refuses (malformed, too large, a charset it cannot read) is answered as
// a GraphQL error in JSON, like any other bad request: not Express's HTML error page, which would show a
// stack trace outside production and which no GraphQL client can read.
import type { ErrorRequestHandler } from 'express';

export const BODY_NOT_JSON = 'The request body is not valid JSON.';

/** The answer's body: a GraphQL error, as clients read any other. */
export const bodyErrorJson = (message: string): string => JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });

export function bodyErrors(limitLabel: string): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const type = (err as { type?: unknown })?.type;
    const status = Number((err as { status?: unknown })?.status);
    // body-parser's errors carry a type (entity.parse.failed, entity.too.large, charset.unsupported, …).
    const fromBody = typeof type === 'string' && /^(entity|charset|encoding|request)\./.test(type);
    if (!fromBody) return next(err);
    const message = type === 'entity.too.large'
      ? `The request body is larger than ${limitLabel}; send smaller variables or split the request.`
      : type === 'entity.parse.failed'
        ? BODY_NOT_JSON
        : 'The request body could not be read.';
    if (res.headersSent) return next(err);
    res.status(status >= 400 && status < 500 ? status : 400).type('json').send(bodyErrorJson(message));
  };
}
