// Reads a mail as a person's mail program shows it: the subject with its encoded words decoded, and the
// plain-text and HTML parts with their transfer encoding (quoted-printable or base64) undone, as UTF-8.
// Enough for the mails nodemailer writes here; not a general MIME parser.

export interface ParsedMail {
  headers: Record<string, string>;
  subject: string;
  text: string;
  html: string;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) in a header value. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?') // whitespace between two encoded words is not part of the text
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpBytes(data.replace(/_/g, ' '));
      return bytes.toString('utf8');
    });
}

function qpBytes(s: string): Buffer {
  const out: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      out.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(src[i], 'utf8'));
  }
  return Buffer.from(out);
}

function headersOf(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}

function split(raw: string): { headers: Record<string, string>; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  return m ? { headers: headersOf(raw.slice(0, m.index)), body: raw.slice(m.index + m[0].length) } : { headers: headersOf(raw), body: '' };
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const enc = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return qpBytes(body).toString('utf8');
  return body;
}

/** The leaf parts of a message, depth first. */
function leaves(raw: string): { headers: Record<string, string>; body: string }[] {
  const part = split(raw);
  const boundary = /boundary="?([^";]+)"?/i.exec(part.headers['content-type'] ?? '')?.[1];
  if (!boundary) return [part];
  return part.body
    .split(`--${boundary}`)
    .slice(1)
    .filter((p) => !p.startsWith('--'))
    .flatMap((p) => leaves(p.replace(/^\r?\n/, '')));
}

export function parseMail(raw: string): ParsedMail {
  const { headers } = split(raw);
  const parts = leaves(raw);
  const of = (type: string) => {
    const p = parts.find((x) => (x.headers['content-type'] ?? 'text/plain').toLowerCase().startsWith(type));
    return p ? decodeBody(p.headers, p.body) : '';
  };
  return { headers, subject: decodeHeader(headers.subject ?? ''), text: of('text/plain'), html: of('text/html') };
}
