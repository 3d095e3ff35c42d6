// The core's domain modules, in the order they are registered. Plugins come after them.
import { analytics } from './analytics/module.js';
import { auth } from './auth/module.js';
import { automation } from './automation/module.js';
import { catalog } from './catalog/module.js';
import { channels } from './channels/module.js';
import { channelSync } from './channel-sync/module.js';
import { checkoutHolds } from './checkout-holds/module.js';
import { customers } from './customers/module.js';
import { documents } from './documents/module.js';
import { exportsModule } from './exports/module.js';
import { fulfillment } from './fulfillment/module.js';
import { giftCards } from './gift-cards/module.js';
import { inventory } from './inventory/module.js';
import { invoicing } from './invoicing/module.js';
import { live } from './live/module.js';
import { notifications } from './notifications/module.js';
import { orders } from './orders/module.js';
import { orderEdits } from './order-edits/module.js';
import { orderImport } from './order-import/module.js';
import { payments } from './payments/module.js';
import { prices } from './prices/module.js';
import { procurement } from './procurement/module.js';
import { promotions } from './promotions/module.js';
import { replenishment } from './replenishment/module.js';
import { returns } from './returns/module.js';
import { shipping } from './shipping/module.js';
import { sourcing } from './sourcing/module.js';
import { stockControl } from './stock-control/module.js';
import type { OrdoModule } from './kernel/module.js';

export const coreModules: OrdoModule[] = [
  channels, catalog, prices, customers, promotions, auth, inventory, stockControl, shipping, sourcing, payments, checkoutHolds, giftCards, orders, orderImport, documents, fulfillment, orderEdits, invoicing,
  live, notifications, procurement, replenishment, returns, channelSync, analytics, exportsModule, automation,
];
