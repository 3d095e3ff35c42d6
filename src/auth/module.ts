import { defineModule } from '../kernel/module.js';
import { RateLimits } from '../kernel/rate-limit.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyResolver } from './auth.resolver.js';
import { AuditLogResolver } from './audit-log.resolver.js';
import { StaffMember } from './staff-member.entity.js';
import { StaffSession } from './staff-session.entity.js';
import { StaffResolver } from './staff.resolver.js';

export const auth = defineModule({
  name: 'auth',
  dependsOn: ['channels', 'customers'],
  entities: [ApiKey, StaffMember, StaffSession],
  resolvers: [ApiKeyResolver, AuditLogResolver, StaffResolver],
  // The throttles (sign-in, sign-up, placeOrder, quoteOrder) close their Redis connection with the engine.
  onStop: async (app) => app.service(RateLimits).close(),
});
