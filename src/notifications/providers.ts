// How messages leave: email through SMTP (nodemailer), or written as .eml files when SMTP_URL is unset;
// SMS through a provider (a plugin registers a real one; the built-in `log` provider writes files).
import { rename, writeFile } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import { lazyRequire } from '../kernel/lazy-require.js';
import type { Logger } from '../kernel/logger.js';
import { textEncodingOf } from './mail-encoding.js';

export interface OutgoingEmail {
  /** Stable per (event, recipient): a receiving system can drop a repeat by it. */
  messageId: string;
  from: string;
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Files sent with it (a purchase order's PDF); a transport that cannot attach must fail, not drop them. */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingSms {
  id: string;
  from: string;
  to: string;
  text: string;
}

export interface EmailSender {
  readonly code: string;
  send(mail: OutgoingEmail): Promise<{ providerMessageId: string }>;
  close?(): void;
}

/** What an SMS provider implements (a plugin passes one to NotificationService.setSmsProvider). */
export interface SmsProvider {
  readonly code: string;
  send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}

// nodemailer: loaded with the first mail a process sends (the sender is made then: NotificationService),
// so API processes that leave mail to the workers never load it (lazy-require.ts).
const nodemailer = lazyRequire<typeof import('nodemailer')>('nodemailer');

export class SmtpEmailSender implements EmailSender {
  readonly code = 'smtp';
  private transport: Transporter;
  constructor(url: string) {
    this.transport = nodemailer().createTransport(pooled(url));
    // Unless the URL set up a proxy (which provides the sockets itself).
    const t = this.transport as Transporter & { getSocket?: unknown };
    if (typeof t.getSocket !== 'function') t.getSocket = noDelaySocket;
  }
  async send(mail: OutgoingEmail) {
    const info = await this.transport.sendMail({ ...mail, ...textEncodingOf(mail), headers: { 'X-Ordo-Message': mail.messageId } });
    return { providerMessageId: String(info.messageId ?? mail.messageId) };
  }
  close() {
    this.transport.close();
  }
}

/**
 * The URL with `pool=true` unless it says `pool=` itself: nodemailer otherwise opens a connection per mail
 * (TCP, EHLO, STARTTLS, AUTH, then QUIT), which cost more than the mail (bench/notifications.mjs --smtp 1).
 * A pool keeps up to five connections open and sends a hundred mails on each before it renews it.
 */
export function pooled(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('pool')) u.searchParams.set('pool', 'true');
  return u.toString();
}

/**
 * nodemailer's own sockets keep Nagle's algorithm on, so a mail's last write waits for the server's
 * delayed ACK: 44 ms a mail on an open connection to a local server, 2 ms with TCP_NODELAY
 * (bench/notifications.mjs --smtp 1). The socket is connected here with it set; nodemailer speaks SMTP
 * over it and starts TLS on it (smtps://, STARTTLS) as it would on its own.
 */
function noDelaySocket(
  options: { host?: string; port?: number; secure?: boolean; connectionTimeout?: number },
  callback: (err: Error | null, socket?: { connection: Socket }) => void,
): void {
  const host = options.host ?? 'localhost';
  const port = options.port ?? (options.secure ? 465 : 587);
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  let connected = false;
  const timer = setTimeout(() => socket.destroy(new Error(`Connection timeout to ${host}:${port}`)), options.connectionTimeout ?? 120_000);
  // Stays on: errors after the hand-over reach nodemailer's own listener too.
  socket.on('error', (e) => {
    if (connected) return;
    clearTimeout(timer);
    callback(e);
  });
  socket.once('connect', () => {
    connected = true;
    clearTimeout(timer);
    callback(null, { connection: socket });
  });
}

/** No SMTP_URL: the complete message (RFC 822) is written to <data>/mail/*.eml and logged. */
export class FileEmailSender implements EmailSender {
  readonly code = 'file';
  private transport: Transporter | undefined;
  /** The folder, made once per process (a call per mail cost a system call each). */
  private made: Promise<unknown> | null = null;
  constructor(private readonly dir: string, private readonly log: Logger) {}
  async send(mail: OutgoingEmail) {
    this.transport ??= nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = await this.transport.sendMail({ ...mail, ...textEncodingOf(mail) });
    await (this.made ??= mkdir(this.dir, { recursive: true }).catch((e) => { this.made = null; throw e; }));
    const file = join(this.dir, `${fileSafe(mail.messageId)}.eml`);
    await writeAtomic(file, info.message as Buffer);
    this.log.info({ to: mail.to, subject: mail.subject, file }, 'email written (SMTP_URL is not set)');
    return { providerMessageId: mail.messageId };
  }
}

/** The built-in SMS provider: writes each message to <data>/sms/*.txt and logs it. */
export class LogSmsProvider implements SmsProvider {
  readonly code = 'log';
  constructor(private readonly dir: string, private readonly log: Logger) {}
  async send(sms: OutgoingSms) {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${fileSafe(sms.id)}.txt`);
    await writeAtomic(file, `From: ${sms.from}\nTo: ${sms.to}\n\n${sms.text}\n`);
    this.log.info({ to: sms.to, file }, 'sms written (log provider)');
    return { providerMessageId: sms.id };
  }
}

/**
 * Written whole or not at all: a reader never sees half a message. The callback API: fs/promises' file
 * handles cost half as much CPU again per message (0.75 against 0.5 ms for the two calls on the benchmark
 * machine, where each file system call is dear).
 */
function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  return new Promise((resolve, reject) => {
    writeFile(tmp, data, (err) => (err ? reject(err) : rename(tmp, file, (e) => (e ? reject(e) : resolve()))));
  });
}

const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 150);
