import { describe, expect, it } from 'vitest';
import { redact } from '../../src/kernel/audit/audit-mutations.js';

describe('audit arguments', () => {
  it('replaces passwords, tokens, secrets and keys at any depth, keeps the rest as plain data', () => {
    class Input { constructor(public name: string, public password: string, public smtp: { user: string; secret: string }) {} }
    const at = new Date('2026-11-30T12:00:00Z');
    expect(redact({ input: new Input('x', 'hunter2', { user: 'u', secret: 's' }), token: 'tok', apiKey: 'k', list: [{ cardNumber: '4242' }, 1], at, idempotencyKey: 'k-1', skipped: undefined })).toEqual({
      input: { name: 'x', password: '[redacted]', smtp: { user: 'u', secret: '[redacted]' } },
      token: '[redacted]', apiKey: '[redacted]', list: [{ cardNumber: '[redacted]' }, 1], at: '2026-11-30T12:00:00.000Z', idempotencyKey: 'k-1',
    });
  });
});
