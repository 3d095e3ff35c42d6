// The mail a customer gets after asking for a password reset: a link to the storefront's reset page
// (ORDO_PASSWORD_RESET_URL) with the token, or the token to paste when no page is set.
import { escapeHtml, type RenderedMessage } from './templates.js';

export function passwordResetMail(shopName: string, token: string, minutes: number, pageUrl?: string): RenderedMessage {
  const link = pageUrl ? `${pageUrl}${pageUrl.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : null;
  const how = link ? `Set a new password here: ${link}` : `Enter this code where you asked for the reset: ${token}`;
  const intro = `Someone (we hope you) asked to set a new password for your ${shopName} account.`;
  const after = `It works once, for ${minutes} minutes. If you did not ask, ignore this mail: your password stays as it is.`;
  const htmlHow = link ? `<p><a href="${escapeHtml(link)}">Set a new password</a></p>` : `<p>Enter this code where you asked for the reset:</p><p><code>${escapeHtml(token)}</code></p>`;
  return {
    subject: `Set a new password for ${shopName}`,
    text: `${intro}\n\n${how}\n\n${after}\n`,
    html: `<!doctype html><html><body style="font-family:sans-serif"><h1>${escapeHtml(shopName)}</h1><p>${escapeHtml(intro)}</p>${htmlHow}<p>${escapeHtml(after)}</p></body></html>`,
  };
}

/** What the message's row keeps instead of the mail: the token is a password for an hour, never stored. */
export const RESET_MAIL_KEPT = 'Password reset mail (its link is not kept).';
