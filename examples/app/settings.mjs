// @ts-check
// What the app is pointed at: command-line options first, then environment variables.
import { parseArgs } from 'node:util';

/**
 * @typedef {object} Settings
 * @property {string} url      the engine's GraphQL endpoint over HTTP(S)
 * @property {string} wsUrl    the same endpoint over WebSocket (ws:// or wss://)
 * @property {string} [email]
 * @property {string} [password]
 * @property {string} [token]  a session token kept from an earlier sign-in (skips the login)
 * @property {number} retryMaxMs  the longest wait between two reconnection attempts
 */

const USAGE = `usage: node main.mjs [--url URL] [--email EMAIL] [--password PASSWORD] [--token TOKEN]
  or the environment: ORDO_URL, ORDO_EMAIL, ORDO_PASSWORD, ORDO_TOKEN (ORDO_RETRY_MAX_MS)`;

/** @returns {Settings} */
export function readSettings(argv = process.argv.slice(2), env = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new UsageError('');
  const url = values.url ?? env.ORDO_URL ?? 'http://localhost:4000/graphql';
  if (!/^https?:\/\//.test(url)) throw new UsageError(`The engine URL must start with http:// or https://, not "${url}".`);
  const email = values.email ?? env.ORDO_EMAIL;
  const password = values.password ?? env.ORDO_PASSWORD;
  const token = values.token ?? env.ORDO_TOKEN;
  if (!token && (!email || !password)) throw new UsageError('Give an email and a password (or a session token).');
  const retryMaxMs = Number(env.ORDO_RETRY_MAX_MS ?? 15_000);
  if (!Number.isFinite(retryMaxMs) || retryMaxMs < 100) throw new UsageError('ORDO_RETRY_MAX_MS is a number of milliseconds, at least 100.');
  return { url, wsUrl: url.replace(/^http/, 'ws'), email, password, token, retryMaxMs };
}

export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message ? `${message}\n${USAGE}` : USAGE);
  }
}
