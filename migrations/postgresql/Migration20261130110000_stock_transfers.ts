import { Migration } from '@mikro-orm/migrations';

const REASONS = (extra: string[]) =>
  ['RECEIVED', 'COUNT', 'DAMAGED', 'LOST', 'CORRECTION', 'SHIPPED', 'RETURNED', ...extra].map((r) => `'${r}'`).join(', ');

// Stock movements between locations (the stock ledger's transferOut / transferIn).
export class Migration20261130110000_stock_transfers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "stock_movement" drop constraint if exists "stock_movement_reason_check";`);
    this.addSql(`alter table "stock_movement" add constraint "stock_movement_reason_check" check ("reason" in (${REASONS(['TRANSFER_OUT', 'TRANSFER_IN'])}));`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "stock_movement" where "reason" in ('TRANSFER_OUT', 'TRANSFER_IN');`);
    this.addSql(`alter table "stock_movement" drop constraint if exists "stock_movement_reason_check";`);
    this.addSql(`alter table "stock_movement" add constraint "stock_movement_reason_check" check ("reason" in (${REASONS([])}));`);
  }
}
