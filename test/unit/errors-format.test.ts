// The error formatter: client codes pass with their fields, Apollo's persisted-query answers keep their
// codes and are not logged, and nothing a request carries can make the formatter itself fail: what it
// cannot format is logged with a reference and answered INTERNAL_SERVER_ERROR with that reference.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { formatError } from '../../src/kernel/errors-format.js';
import { badInput } from '../../src/kernel/errors.js';

function formatter() {
  const lines: any[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { format: formatError(pino({ level: 'info' }, sink)), lines };
}
const flush = () => new Promise((r) => setImmediate(r));
const located = (original: Error) => new GraphQLError(original.message, { path: ['placeOrder'], originalError: original });

describe('formatError', () => {
  it('keeps OrdoErrors with their field and fields', async () => {
    const { format, lines } = formatter();
    const e = located(badInput('first must be between 0 and 100.', 'first'));
    expect(format(e.toJSON(), e)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first', fields: [{ path: 'first', message: 'first must be between 0 and 100.' }] } });
    await flush();
    expect(lines).toEqual([]);
  });

  it('passes PERSISTED_QUERY_NOT_FOUND and NOT_SUPPORTED through, unlogged', async () => {
    const { format, lines } = formatter();
    for (const code of ['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']) {
      const e = new GraphQLError(code === 'PERSISTED_QUERY_NOT_FOUND' ? 'PersistedQueryNotFound' : 'PersistedQueryNotSupported', { extensions: { code } });
      expect(format(e.toJSON(), e).extensions?.code).toBe(code);
    }
    await flush();
    expect(lines).toEqual([]);
  });

  it('answers a validator that threw (validator.js on a lone surrogate) as an internal error with a logged reference', async () => {
    const { format, lines } = formatter();
    const e = located(new ArgumentValidationError(new URIError('URI malformed') as never));
    const out = format(e.toJSON(), e);
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(out.message).toBe(`Internal error; reference ${out.extensions?.errorId}.`);
    await flush();
    expect(lines.map((l) => [l.level, l.errorId])).toEqual([[50, out.extensions?.errorId]]);
  });

  it('cannot fail itself: a formatted error it cannot read is logged and answered with a reference', async () => {
    const { format, lines } = formatter();
    const hostile = { get message(): string { throw new Error('boom'); }, get extensions(): never { throw new Error('boom'); } } as unknown as GraphQLFormattedError;
    const out = format(hostile, new Error('whatever'));
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(typeof out.extensions?.errorId).toBe('string');
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, errorId: out.extensions?.errorId });
  });
});
