import { defineModule } from '../kernel/module.js';
import { Payment } from './payment.entity.js';

export const payments = defineModule({
  name: 'payments',
  entities: [Payment],
});
