// The mail's transfer encoding decided up front (notifications/mail-encoding.ts) must change nothing in
// the message nodemailer builds: the same bytes as when nodemailer counts for itself, for mails in any
// script (Latin, accented, Cyrillic, CJK, emoji, control characters, digits only), with or without
// non-ASCII names and attachments (which nodemailer does not count); and it must take the short way for
// the engine's usual mails.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { latinDominant, textEncodingOf, type CountedMail } from '../../src/notifications/mail-encoding.js';

const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

/** The message as nodemailer builds it, with everything it would otherwise make up fixed. */
async function built(mail: CountedMail & { attachments?: readonly unknown[] }, extra: object): Promise<string> {
  const info = await transport.sendMail({
    ...mail, ...extra, messageId: '<m1@shop.example>', date: new Date(0), baseBoundary: 'fixedboundary',
    attachments: mail.attachments as never,
  } as never);
  return (info.message as Buffer).toString('latin1');
}

const pieces = ['Order ', '"', 'shipped ', 'Größe ', 'café ', '€12.00 ', '× ', '· ', 'Заказ ', '注文が発送されました ', '🎉 ', '12345 ', '\u0001', '\t', '\n', '<p style="color: #666">', 'a'.repeat(90), ' '];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((a) => a.join(''));
const name = fc.constantFrom('Shop', 'Café Müller', '東京ショップ', 'Ann "A" Lee', '');
const address = (at: string) => name.map((n) => (n ? `${n} <${at}>` : at));

describe('textEncodingOf', () => {
  it('gives the same message, byte for byte, as nodemailer choosing for itself', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        from: address('shop@example.com'),
        to: address('ann@example.com'),
        replyTo: fc.option(address('help@example.com'), { nil: undefined }),
        subject: text,
        text,
        html: text,
        attachments: fc.option(fc.constantFrom(
          [{ filename: 'notes.txt', content: Buffer.from('Zeile 1 — Größe\n'), contentType: 'text/plain' }],
          [{ filename: 'メモ.txt', content: Buffer.from('注文の控え。ありがとうございます。\n'), contentType: 'text/plain' }],
        ), { nil: undefined }),
      }),
      async (mail) => {
        expect(await built(mail, textEncodingOf(mail))).toBe(await built(mail, {}));
      },
    ), { numRuns: 300 });
  });

  it('the same bytes for headers nodemailer encodes whole: an ASCII subject with a quote and few letters', async () => {
    for (const subject of ['"12345"', '"A" \u0001\u0001', 'Order "X" shipped']) {
      const mail = { from: 'shop@example.com', to: 'ann@example.com', subject, text: 'Your order shipped.', html: '<p>Your order shipped.</p>' };
      expect(await built(mail, textEncodingOf(mail))).toBe(await built(mail, {}));
    }
  });

  it('takes the short way for a usual mail, and leaves a mostly non-Latin one to nodemailer', () => {
    const usual = {
      from: 'Bench shop <shop@example.com>', to: 'ann@example.com', subject: 'Your order ORD-000123 has shipped',
      text: 'Good news: your order is on its way.\n  1 × Rain Jacket  €12.00\n', html: '<p>Good news: your order is on its way.</p><p>Bench shop · Order ORD-000123</p>',
    };
    expect(textEncodingOf(usual)).toEqual({ textEncoding: 'quoted-printable' });
    expect(textEncodingOf({ ...usual, text: '注文が発送されました。ありがとうございます。' })).toEqual({});
    expect(latinDominant('abc€')).toBe(true);
    expect(latinDominant('a€€')).toBe(false);
  });
});
