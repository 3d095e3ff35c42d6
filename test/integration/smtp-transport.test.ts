// The SMTP transport against real SMTP servers started here (smtp-server): implicit TLS (smtps://) and
// STARTTLS over the sockets Ordo connects itself (TCP_NODELAY: providers.ts), mails sent one after the
// other reuse one connection (the pool), `?pool=false` opens one per mail, a refused delivery and a
// server that is not there fail the send.
import { afterEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail } from '../helpers/mail.js';
import { pooled, SmtpEmailSender } from '../../src/notifications/providers.js';

interface Sink {
  url: (scheme: string, query?: string) => string;
  connections: number;
  mails: { subject: string; text: string; secure: boolean }[];
  close: () => Promise<void>;
}

async function sink(secure: boolean, refuse = /$^/): Promise<Sink> {
  const s: Sink = { url: () => '', connections: 0, mails: [], close: async () => {} };
  const server = new SMTPServer({
    secure, authOptional: true, logger: false,
    onConnect(_session, cb) { s.connections++; cb(); },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const m = parseMail(Buffer.concat(chunks).toString('utf8'));
        if (refuse.test(m.subject)) return cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        s.mails.push({ subject: m.subject, text: m.text, secure: session.secure });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  // The server's certificate is smtp-server's built-in self-signed one.
  s.url = (scheme, query = 'tls.rejectUnauthorized=false') => `${scheme}://127.0.0.1:${port}?${query}`;
  s.close = () => new Promise<void>((r) => server.close(() => r()));
  return s;
}

const mail = (i: number) => ({ messageId: `<m${i}@ordo.test>`, from: 'shop@example.com', to: 'buyer@example.com', subject: `Order ORD-${i} confirmed`, text: `Thank you, total €${i}.00`, html: `<p>Thank you</p>` });

describe('SMTP transport', () => {
  const open: { close: () => unknown }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  it.each([['smtps', true], ['smtp', false]] as const)('%s: mails arrive encrypted, one after the other over one connection', async (scheme, implicitTls) => {
    const s = await sink(implicitTls);
    open.push(s);
    const sender = new SmtpEmailSender(s.url(scheme));
    open.push(sender as { close: () => void });
    for (let i = 1; i <= 4; i++) await sender.send(mail(i));
    expect(s.mails.map((m) => m.subject)).toEqual([1, 2, 3, 4].map((i) => `Order ORD-${i} confirmed`));
    expect(s.mails[3].text.trim()).toBe('Thank you, total €4.00');
    expect(s.mails.every((m) => m.secure)).toBe(true); // TLS from the start, or STARTTLS
    expect(s.connections).toBe(1);
  });

  it('pool=false in SMTP_URL opens a connection per mail', async () => {
    const s = await sink(false);
    open.push(s);
    const sender = new SmtpEmailSender(s.url('smtp', 'pool=false&tls.rejectUnauthorized=false'));
    open.push(sender as { close: () => void });
    for (let i = 1; i <= 3; i++) await sender.send(mail(i));
    expect(s.mails).toHaveLength(3);
    expect(s.connections).toBe(3);
  });

  it('a refused delivery and an absent server fail the send; the next mail goes out', async () => {
    const s = await sink(false, /ORD-2 /);
    open.push(s);
    const sender = new SmtpEmailSender(s.url('smtp'));
    open.push(sender as { close: () => void });
    await sender.send(mail(1));
    await expect(sender.send(mail(2))).rejects.toMatchObject({ responseCode: 550 });
    await sender.send(mail(3));
    expect(s.mails.map((m) => m.subject)).toEqual(['Order ORD-1 confirmed', 'Order ORD-3 confirmed']);

    const gone = await sink(false);
    const url = gone.url('smtp');
    await gone.close();
    const nowhere = new SmtpEmailSender(url);
    open.push(nowhere as { close: () => void });
    await expect(nowhere.send(mail(4))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('keeps what SMTP_URL says: credentials, and pool when given', () => {
    expect(pooled('smtps://us%40er:p%3Ass@mail.example.com:465')).toBe('smtps://us%40er:p%3Ass@mail.example.com:465?pool=true');
    expect(pooled('smtp://mail.example.com:587?pool=false')).toBe('smtp://mail.example.com:587?pool=false');
  });
});
