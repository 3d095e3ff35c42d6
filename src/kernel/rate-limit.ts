// Throttles for what attackers repeat (sign-in, sign-up, checkout): counters per key (an email, an IP, a
// token) in fixed windows, on Redis when REDIS_URL is set, so that every API process counts together
// (keys under ORDO_REDIS_PREFIX), else in this process's memory. Over the limit is RATE_LIMITED with
// `extensions.retryAfterSeconds`. Should Redis fail, each process counts in its own memory meanwhile.
import { redisClient, type Redis } from './redis-client.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { hashToken, type Principal } from './auth.js';
import { OrdoError } from './errors.js';
import type { AppRuntime } from './runtime.js';

export interface LimitSpec {
  /** How many points a key may take in one window. */
  points: number;
  windowSeconds: number;
}

export function rateLimited(msBeforeNext: number, what: string): OrdoError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new OrdoError('RATE_LIMITED', `Too many ${what}: try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
}

/** One counter family (login failures per email, placeOrder per IP …). */
export class Limiter {
  constructor(private readonly rl: RateLimiterAbstract, readonly spec: LimitSpec, private readonly what: string) {}

  /** Takes a point; throws RATE_LIMITED (nothing taken beyond the limit) when the key has none left. */
  async take(key: string): Promise<void> {
    try {
      await this.rl.consume(key, 1);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw rateLimited(e.msBeforeNext, this.what);
      throw e;
    }
  }

  /** Throws RATE_LIMITED when the key has used its points, without taking one. */
  async check(key: string): Promise<void> {
    const r = await this.rl.get(key);
    if (r && r.consumedPoints >= this.spec.points) throw rateLimited(r.msBeforeNext, this.what);
  }

  /** Counts one (a failure) without refusing. */
  async count(key: string): Promise<void> {
    await this.rl.penalty(key, 1);
  }

  /** Gives a point back (a success that should not count). */
  async giveBack(key: string): Promise<void> {
    await this.rl.reward(key, 1);
  }

  /** Forgets the key (a successful sign-in clears the email's failures). */
  async reset(key: string): Promise<void> {
    await this.rl.delete(key);
  }
}

/** One per engine: `app.service(RateLimits).limiter('login:email', spec, 'failed sign-ins for this email')`. */
export class RateLimits {
  private readonly limiters = new Map<string, Limiter>();
  private redis: Redis | null = null;
  constructor(private readonly app: AppRuntime) {}

  limiter(name: string, spec: LimitSpec, what: string): Limiter {
    let l = this.limiters.get(name);
    if (!l) {
      const opts = { points: spec.points, duration: spec.windowSeconds, keyPrefix: `${this.app.config.redisPrefix}:rl:${name}` };
      const memory = new RateLimiterMemory(opts);
      const rl = this.app.config.redisUrl ? new RateLimiterRedis({ ...opts, storeClient: this.client(), insuranceLimiter: memory }) : memory;
      this.limiters.set(name, (l = new Limiter(rl, spec, what)));
    }
    return l;
  }

  private client(): Redis {
    if (!this.redis) {
      // A slow Redis must not hold sign-ins: a command gives up quickly and the memory counter answers.
      this.redis = redisClient(this.app.config.redisUrl!, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
      this.redis.on('error', () => {}); // the insurance limiter covers it; ioredis reconnects by itself
    }
    return this.redis;
  }

  close(): void {
    this.redis?.disconnect();
    this.redis = null;
  }
}

/**
 * Where a request comes from, for per-IP limits; null when the transport does not say (graphql-ws
 * operations carry no request), and then per-IP limits do not apply (one shared bucket would let anyone
 * lock everyone out).
 */
export function clientIp(ip: string | undefined): string | null {
  return ip ? ip.replace(/^::ffff:/, '') : null;
}

/** Who a per-caller limit counts: the token's holder when one is sent, else the IP (null: not counted). */
export function callerKey(principal: Principal, ip: string | undefined): string | null {
  switch (principal.kind) {
    case 'admin': return `key:${principal.keyId}`;
    case 'customer': return `customer:${principal.customerId}`;
    case 'order': return `order:${principal.orderId}`;
    default: {
      const at = clientIp(ip);
      return at ? `ip:${at}` : null;
    }
  }
}

/**
 * `perMinute` requests a minute per caller (callerKey) for one operation; 0 turns the limit off. Called
 * first thing, so that a refused request changes nothing.
 */
export async function throttleCaller(app: AppRuntime, operation: string, perMinute: number, principal: Principal, ip: string | undefined): Promise<void> {
  if (perMinute <= 0) return;
  const key = callerKey(principal, ip);
  if (!key) return;
  await app.service(RateLimits).limiter(`op:${operation}`, { points: perMinute, windowSeconds: 60 }, `${operation} requests`).take(key);
}

/**
 * The sign-in throttle of one kind of account (`login` for customers, `staff-login` for staff; ORDO_LOGIN_*):
 * an email has ORDO_LOGIN_LIMIT_PER_EMAIL attempts per window (a success clears them), an IP
 * ORDO_LOGIN_LIMIT_PER_IP failed ones. Over either, `attempt` is RATE_LIMITED before the password is
 * checked: the right one is refused too until the window ends.
 */
export function signInThrottle(app: AppRuntime, kind: string) {
  const { config } = app;
  const spec = (points: number) => ({ points, windowSeconds: config.loginWindowSeconds });
  const byIp = app.service(RateLimits).limiter(`${kind}:ip`, spec(config.loginLimitPerIp), 'failed sign-ins from this address');
  const byEmail = app.service(RateLimits).limiter(`${kind}:email`, spec(config.loginLimitPerEmail), 'failed sign-ins for this email');
  return {
    async attempt(email: string, ip: string | undefined): Promise<void> {
      const at = clientIp(ip);
      if (at) await byIp.check(at);
      // Taken before the check, so that parallel guesses cannot all pass a count read at the same time.
      await byEmail.take(hashToken(email));
    },
    async failed(ip: string | undefined): Promise<void> {
      const at = clientIp(ip);
      if (at) await byIp.count(at);
    },
    succeeded: (email: string) => byEmail.reset(hashToken(email)),
  };
}
