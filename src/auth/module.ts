import { defineModule } from '../kernel/module.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyResolver } from './auth.resolver.js';
import { CustomerSession } from './customer-session.entity.js';

export const auth = defineModule({
  name: 'auth',
  dependsOn: ['customers'],
  entities: [ApiKey, CustomerSession],
  resolvers: [ApiKeyResolver],
});
