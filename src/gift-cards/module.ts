// Gift cards and store credit (docs/gift-cards.md): balances with ledgers, spent as tender at placement
// (a pricing step that runs after the price reductions), given back when the order is cancelled, when
// units are cancelled or returned, and store credit as a return's resolution.
import { defineModule } from '../kernel/module.js';
import { GiftCard, GiftCardEntry } from './gift-card.entity.js';
import { StoreCreditAccount, StoreCreditEntry } from './store-credit.entity.js';
import { CustomerStoreCreditFields, GiftCardResolver } from './gift-card.resolver.js';
import { tenderStep } from './tender-step.js';
import { giveBackOnCancel } from './give-back.js';

export const giftCards = defineModule({
  name: 'gift-cards',
  dependsOn: ['customers'],
  entities: [GiftCard, GiftCardEntry, StoreCreditAccount, StoreCreditEntry],
  resolvers: [GiftCardResolver, CustomerStoreCreditFields],
  pricing: [tenderStep],
  on: { 'order.cancelled': giveBackOnCancel },
});
