import { defineModule } from '../kernel/module.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyResolver } from './auth.resolver.js';

export const auth = defineModule({
  name: 'auth',
  dependsOn: ['customers'],
  entities: [ApiKey],
  resolvers: [ApiKeyResolver],
});
