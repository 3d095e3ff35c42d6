// A customer who forgot their password: the reset mail (read as a person reads it) links to the
// storefront's page with a token that works once; every old session ends; nobody learns which addresses
// have accounts; requests are throttled; no token is kept in the clear anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { parseMail } from '../helpers/mail.js';
import { settled } from '../helpers/settled.js';
import { until } from '../helpers/until.js';

const REQUEST = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) { token customer { email } } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const LINK = /https:\/\/shop\.example\/reset-password\?token=([\w-]+)/;

describe.each(DB_KINDS)('password reset on %s', (kind) => {
  let t: TestEngine;
  const mailsTo = (to: string) => {
    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    return (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [])
      .map((f) => parseMail(readFileSync(join(dir, f), 'utf8'))).filter((m) => m.headers.to === to);
  };
  const tokenOf = (text: string) => LINK.exec(text)![1];

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_PASSWORD_RESET_URL: 'https://shop.example/reset-password', ORDO_LOGIN_LIMIT_PER_EMAIL: '3' } });
  }, 60_000);
  afterAll(() => t?.stop());

  it('mails a link that sets a new password once; the old password and every old session stop working', async () => {
    const old = ok(await t.gql(`mutation { registerCustomer(input: { email: "ana@example.com", password: "old password 1" }) { token } }`)).registerCustomer.token;
    expect(ok(await t.gql(REQUEST, { e: ' ANA@example.com ' })).requestPasswordReset).toBe(true);
    const [mail] = await until(() => mailsTo('ana@example.com'), (m) => m.length === 1);
    expect(mail.subject).toMatch(/^Set a new password for /);
    expect(mail.text).toMatch(/It works once, for 60 minutes/);
    const token = tokenOf(mail.text);
    expect(mail.html).toContain(`href="https://shop.example/reset-password?token=${token}"`);
    // Neither the queued event nor the message's record holds the token.
    await settled(t);
    const kept = JSON.stringify([...await t.sql('SELECT payload FROM outbox_event'), ...await t.sql('SELECT text, subject FROM notification_message')]);
    expect(kept).not.toContain(token);
    expect(kept).toContain('its link is not kept');

    expect(codeOf(await t.gql(RESET, { t: token, p: 'short' }))).toBe('BAD_USER_INPUT');
    const reset = ok(await t.gql(RESET, { t: token, p: 'new password 2' })).resetPassword;
    expect(reset.customer.email).toBe('ana@example.com');
    expect(codeOf(await t.gql(`{ me { email } }`, {}, old))).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql(`{ me { email } }`, {}, reset.token)).me.email).toBe('ana@example.com');
    expect(codeOf(await t.gql(LOGIN, { e: 'ana@example.com', p: 'old password 1' }))).toBe('UNAUTHENTICATED');
    ok(await t.gql(LOGIN, { e: 'ana@example.com', p: 'new password 2' }));
    // Used once.
    expect(codeOf(await t.gql(RESET, { t: token, p: 'third password 3' }))).toBe('UNAUTHENTICATED');
  });

  it('a second request replaces the first link', async () => {
    ok(await t.gql(REQUEST, { e: 'ana@example.com' }));
    await until(() => mailsTo('ana@example.com'), (m) => m.length === 2);
    ok(await t.gql(REQUEST, { e: 'ana@example.com' }));
    const mails = await until(() => mailsTo('ana@example.com'), (m) => m.length === 3);
    const [first, second] = mails.slice(1).map((m) => tokenOf(m.text));
    expect(first).not.toBe(second);
    // Whichever mail was written last holds the live link: exactly one of the two works.
    const results = [];
    for (const tok of [first, second]) {
      const r = await t.gql(RESET, { t: tok, p: 'fourth password 4' });
      results.push(codeOf(r) ?? 'ok');
    }
    expect(results.sort()).toEqual(['UNAUTHENTICATED', 'ok']);
  });

  it('answers true for an address without an account and mails nobody; requests are throttled per email', async () => {
    expect(ok(await t.gql(REQUEST, { e: 'nobody@example.com' })).requestPasswordReset).toBe(true);
    await settled(t);
    expect(mailsTo('nobody@example.com')).toEqual([]);
    for (let i = 0; i < 2; i++) ok(await t.gql(REQUEST, { e: 'nobody@example.com' }));
    const limited = await t.gql(REQUEST, { e: 'nobody@example.com' });
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
  });
});
