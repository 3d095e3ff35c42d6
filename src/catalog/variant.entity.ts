import { Entity, JsonType, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Product } from './product.entity.js';
import type { VariantOption } from './product-options.js';

@ObjectType({ implements: Node })
@Entity()
export class ProductVariant {
  [OptionalProps]?: 'id' | 'trackInventory' | 'allowBackorder' | 'active' | 'preordered';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('var');

  @Field()
  @Property({ length: 100, unique: true })
  sku!: string;

  @Field()
  @Property({ length: 300 })
  name!: string;

  @ManyToOne('Product')
  product!: Rel<Product>;

  @Field(() => MoneyScalar)
  @Property({ type: 'integer' })
  price!: number;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  weightGrams?: number | null;

  @Field()
  @Property()
  trackInventory: boolean = true;

  @Field()
  @Property()
  allowBackorder: boolean = false;

  /** False once archived: refused at placement (SKU_ARCHIVED), still on the orders that have it. */
  @Property()
  active: boolean = true;

  /** Its value of each of the product's options, in the product's order (product-options.ts); null: none. */
  @Property({ type: JsonType, nullable: true })
  options?: VariantOption[] | null;

  // Preorders (catalog/preorder.ts, docs/preorders.md): before `releaseDate` every unit ordered is a
  // preorder, up to `preorderLimit` units; `preordered` counts those accepted and not yet released or
  // cancelled, changed only by conditional UPDATEs. Shown as `ProductVariant.preorder`.
  @Property({ type: Date, nullable: true })
  releaseDate?: Date | null;

  @Property({ type: 'integer', nullable: true })
  preorderLimit?: number | null;

  @Property({ type: 'integer', default: 0 })
  preordered: number = 0;
}
