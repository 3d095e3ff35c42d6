// nodemailer picks the transfer encoding of a text part, and of a header's encoded words, by counting:
// quoted-printable when the value has more Latin letters than 8-bit and control characters, else base64
// (MimeNode._getTextEncoding). It counts with `value.match(/[a-z]/gi)`: an array of one string per letter
// of the whole HTML body, for every mail: about a fifth of the CPU nodemailer spends building one of the
// engine's mails (its order confirmation, bench/mail-build.mjs: 374 → 296 µs). Here the same count
// without building anything: when nodemailer would pick quoted-printable for every value it counts, the
// mail says so up front (nodemailer's `textEncoding` option) and nodemailer skips its counts; the message
// is the same, byte for byte (test/unit/mail-encoding.test.ts). Any doubt (an address name that is not
// ASCII, a value that is not mostly Latin) leaves the choice to nodemailer, as before.

/** What of a mail nodemailer counts (an OutgoingEmail, providers.ts). */
export interface CountedMail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
}

/** nodemailer's count for one value: more [a-zA-Z] than [\x00-\x08\x0B\x0C\x0E-\x1F\u0080-\uFFFF]. */
export function latinDominant(value: string): boolean {
  let latin = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) latin++;
    else if (c >= 0x80 || (c <= 0x1f && c !== 0x09 && c !== 0x0a && c !== 0x0d)) other++;
  }
  return other < latin;
}

const ascii = (value: string): boolean => {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return false;
  return true;
};

/** `{ textEncoding: 'quoted-printable' }` when nodemailer would pick it for every value it counts, else nothing. */
export function textEncodingOf(mail: CountedMail): { textEncoding?: 'quoted-printable' } {
  // Attachments are not counted: nodemailer sends them as base64 unless told otherwise (ours never are),
  // and names their files by RFC 2231 parameters.
  // An address's name is counted only when it is not ASCII.
  if (!ascii(mail.from) || !ascii(mail.to) || !ascii(mail.replyTo ?? '')) return {};
  // The subject is counted, and encoded whole when it has a quote or a non-ASCII character (ASCII or not).
  if (mail.subject && !latinDominant(mail.subject)) return {};
  if ((mail.text && !latinDominant(mail.text)) || (mail.html && !latinDominant(mail.html))) return {};
  return { textEncoding: 'quoted-printable' };
}
