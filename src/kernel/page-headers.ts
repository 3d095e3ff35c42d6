// The security headers of the engine's own browser pages (GraphiQL, a plugin's page such as the console):
// helmet's HSTS, nosniff, no-referrer and same-origin framing and opener, and a Content-Security-Policy
// that lets the page load scripts, styles, fonts and images from this engine only and connect to this
// engine only: fetch to 'self', and its WebSocket by the exact ws:/wss: origin of the host the browser
// asked for (a Host header that is not a plain host[:port] gets 'self' alone). No inline script, no eval.
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** The ws:/wss: origins of the host the browser asked for; none when the Host header is not a plain host[:port]. */
function socketOrigins(req: IncomingMessage): string[] {
  const host = req.headers.host ?? '';
  return /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? [`ws://${host}`, `wss://${host}`] : [];
}

export interface PageHeaderOptions {
  /** Allow inline styles (a page whose library writes <style> elements at run time). */
  inlineStyles?: boolean;
}

export function pageHeaders(options: PageHeaderOptions = {}): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: options.inlineStyles ? ["'self'", "'unsafe-inline'"] : ["'self'"],
        fontSrc: ["'self'", 'data:'],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", (req) => socketOrigins(req).join(' ')],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  }) as RequestHandler;
}
