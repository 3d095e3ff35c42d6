import { defineModule } from '../kernel/module.js';
import { RateLimits } from '../kernel/rate-limit.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyResolver } from './auth.resolver.js';
import { AuditLogResolver } from './audit-log.resolver.js';

export const auth = defineModule({
  name: 'auth',
  dependsOn: ['customers'],
  entities: [ApiKey],
  resolvers: [ApiKeyResolver, AuditLogResolver],
  // The throttles (sign-in, sign-up, placeOrder, quoteOrder) close their Redis connection with the engine.
  onStop: async (app) => app.service(RateLimits).close(),
});
