// The easypost plugin's one table: which EasyPost shipment a label of ours is (outbound: our shipment's
// id; a return: the return's id). Written before the label is bought, so a job that dies after buying finds
// the EasyPost shipment again and never buys a second label; and how a refund of it went.
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'easypost_label' })
export class EasyPostLabel {
  [OptionalProps]?: 'trackingCode' | 'labelUrl' | 'refundStatus' | 'createdAt' | 'updatedAt';

  /** Our shipment's id (or the return's, for a return label). */
  @PrimaryKey({ length: 40 })
  id!: string;

  @Property({ length: 64, unique: true })
  easypostShipmentId!: string;

  @Property({ type: 'string', length: 64, nullable: true, index: true })
  trackingCode?: string | null;

  @Property({ type: 'string', length: 2000, nullable: true })
  labelUrl?: string | null;

  /** EasyPost's refund_status once a refund was asked for (submitted, refunded, rejected). */
  @Property({ type: 'string', length: 32, nullable: true })
  refundStatus?: string | null;

  @Property()
  createdAt: Date = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
