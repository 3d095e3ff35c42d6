// Catalog upkeep on both databases: changing products and variants (orders keep their prices), archiving
// (refused at placement with SKU_ARCHIVED, kept on old orders), options and the variant they pick, search by
// name or SKU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { settled } from '../helpers/settled.js';
import { orderInput, PLACE_ORDER, setupShop, snapshot } from '../helpers/fixtures.js';

const UPDATE_VARIANT = `mutation($sku: String!, $i: UpdateVariantInput!) { updateVariant(sku: $sku, input: $i) { sku name price weightGrams allowBackorder archived
  priceHistory { channelCode currencyCode oldPrice newPrice changedBy } } }`;
const CANCEL_LINES = `mutation($orderId: ID!, $lines: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $orderId, lines: $lines) { total subtotal lines { sku unitPrice quantity lineTotal } } }`;
const SHIRT = `mutation($i: CreateProductInput!) { createProduct(input: $i) { id options { name values } variants { sku options { name value } } } }`;
const QUOTE = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) { placeable problems { path code message } } }`;
const BY_OPTIONS = `query($p: ID!, $o: [VariantOptionInput!]!) { variantByOptions(productId: $p, options: $o) { sku } }`;

describe.each(DB_KINDS)('catalog upkeep on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { variants: [{ sku: 'MUG', price: 1000, stock: { 'wh-a': 50 } }, { sku: 'CUP', price: 500, stock: { 'wh-a': 50 } }] });
  });
  afterAll(async () => t?.stop());

  it('changes a price and a name: new orders pay the new price, placed orders keep theirs (also when units are cancelled)', async () => {
    const before = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MUG', quantity: 3 }]) })).placeOrder.order;
    expect(before.lines[0].unitPrice).toBe(1000);
    const changed = ok(await t.admin(UPDATE_VARIANT, { sku: 'MUG', i: { price: 1200, name: 'Mug, large', weightGrams: 400 } })).updateVariant;
    expect(changed).toMatchObject({ sku: 'MUG', name: 'Mug, large', price: 1200, weightGrams: 400 });
    expect(changed.priceHistory).toEqual([{ channelCode: null, currencyCode: 'EUR', oldPrice: 1000, newPrice: 1200, changedBy: expect.any(String) }]);
    // The same price again is no change: the history keeps one row.
    expect(ok(await t.admin(UPDATE_VARIANT, { sku: 'MUG', i: { price: 1200 } })).updateVariant.priceHistory).toHaveLength(1);

    const after = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MUG', quantity: 1 }]) })).placeOrder.order;
    expect(after.lines[0].unitPrice).toBe(1200);
    const read = ok(await t.admin(`query($id: ID!) { order(id: $id) { subtotal total lines { id sku unitPrice lineTotal } } }`, { id: before.id })).order;
    expect(read).toMatchObject({ subtotal: 3000, total: before.total, lines: [{ sku: 'MUG', unitPrice: 1000, lineTotal: 3570 }] });
    // Cancelling a unit of the old order prices what is left at the price it was placed at.
    const cancelled = ok(await t.admin(CANCEL_LINES, { orderId: before.id, lines: [{ orderLineId: read.lines[0].id, quantity: 1 }] })).cancelOrderLines;
    expect(cancelled.subtotal).toBe(2000);
    expect(cancelled.lines[0]).toMatchObject({ unitPrice: 1000, quantity: 2, lineTotal: 2380 });
  });

  it('archives a SKU: refused at placement and in quotes (SKU_ARCHIVED), hidden from buyers, kept on old orders; back when unarchived', async () => {
    const old = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'CUP', quantity: 1 }]) })).placeOrder.order;
    expect(ok(await t.admin(`mutation { archiveVariant(sku: "CUP") { sku archived } }`)).archiveVariant).toEqual({ sku: 'CUP', archived: true });
    await settled(t);
    const before = await snapshot(t);
    const refused = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'MUG', quantity: 1 }, { sku: 'CUP', quantity: 1 }]) });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions).toMatchObject({ reason: 'SKU_ARCHIVED', field: 'input.lines[1].sku' });
    expect(await snapshot(t)).toEqual(before);
    // The one-line order takes the one-statement path on PostgreSQL: refused the same way, nothing reserved.
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'CUP', quantity: 1 }]) }))).toBe('BAD_USER_INPUT');
    expect(await snapshot(t)).toEqual(before);
    const quote = ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'CUP', quantity: 1 }]) })).quoteOrder;
    expect(quote.placeable).toBe(false);
    expect(quote.problems).toEqual([{ path: 'lines[0].sku', code: 'BAD_USER_INPUT', message: 'SKU CUP is archived and no longer sold.' }]);

    expect(ok(await t.gql(`{ variant(sku: "CUP") { sku } }`)).variant).toBeNull();
    expect(ok(await t.admin(`{ variant(sku: "CUP", includeArchived: true) { sku archived } }`)).variant).toEqual({ sku: 'CUP', archived: true });
    const buyerSees = ok(await t.gql(`{ products(filter: { search: "test product" }) { nodes { variants { sku } } } }`)).products.nodes[0].variants;
    expect(buyerSees.map((v: any) => v.sku)).toEqual(['MUG']);
    expect(ok(await t.admin(`query($id: ID!) { order(id: $id) { lines { sku unitPrice } } }`, { id: old.id })).order.lines).toEqual([{ sku: 'CUP', unitPrice: 500 }]);

    ok(await t.admin(`mutation { unarchiveVariant(sku: "CUP") { sku } }`));
    expect(ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'CUP', quantity: 1 }]) })).placeOrder.order.lines[0].sku).toBe('CUP');
  });

  it('archives a product with its variants; staff list archived products; a variant cannot come back without its product', async () => {
    const made = ok(await t.admin(SHIRT, { i: { name: 'Old Poster', variants: [{ sku: 'POSTER-A', name: 'A', price: 900, currencyCode: 'EUR', trackInventory: false }] } })).createProduct;
    ok(await t.admin(`mutation($id: ID!) { archiveProduct(id: $id) { archived } }`, { id: made.id }));
    expect(ok(await t.gql(`{ products(search: "poster") { totalCount } }`)).products.totalCount).toBe(0);
    expect(codeOf(await t.gql(`{ products(filter: { archived: true }) { totalCount } }`))).toBe('UNAUTHENTICATED');
    const archived = ok(await t.admin(`{ products(filter: { archived: true }) { nodes { name archived variants { sku archived } } } }`)).products.nodes;
    expect(archived).toEqual([{ name: 'Old Poster', archived: true, variants: [{ sku: 'POSTER-A', archived: true }] }]);
    expect(codeOf(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'POSTER-A', quantity: 1 }]) }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(`mutation { unarchiveVariant(sku: "POSTER-A") { sku } }`))).toBe('BAD_USER_INPUT');
    ok(await t.admin(`mutation($id: ID!) { unarchiveProduct(id: $id) { archived } }`, { id: made.id }));
    expect(ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'POSTER-A', quantity: 1 }]) })).placeOrder.order.lines[0].unitPrice).toBe(900);
  });

  it('gives products options and finds the variant a buyer picked; refuses incomplete or repeated choices, creating nothing', async () => {
    const i = {
      name: 'Tee', options: [{ name: 'Size', values: ['S', 'M', 'L'] }, { name: 'Colour', values: ['Blue', 'Red'] }],
      variants: [
        { sku: 'TEE-S-BLUE', name: 'Tee S blue', price: 1500, currencyCode: 'EUR', options: [{ name: 'Size', value: 'S' }, { name: 'Colour', value: 'Blue' }] },
        { sku: 'TEE-M-BLUE', name: 'Tee M blue', price: 1500, currencyCode: 'EUR', options: [{ name: 'colour', value: 'blue' }, { name: 'size', value: 'm' }] },
      ],
    };
    const tee = ok(await t.admin(SHIRT, { i })).createProduct;
    expect(tee.options).toEqual([{ name: 'Size', values: ['S', 'M', 'L'] }, { name: 'Colour', values: ['Blue', 'Red'] }]);
    expect(tee.variants[1].options).toEqual([{ name: 'Size', value: 'M' }, { name: 'Colour', value: 'Blue' }]);
    expect(ok(await t.gql(BY_OPTIONS, { p: tee.id, o: [{ name: 'Size', value: 'm' }, { name: 'Colour', value: 'BLUE' }] })).variantByOptions).toEqual({ sku: 'TEE-M-BLUE' });
    expect(ok(await t.gql(BY_OPTIONS, { p: tee.id, o: [{ name: 'Size', value: 'L' }, { name: 'Colour', value: 'Red' }] })).variantByOptions).toBeNull();
    expect(codeOf(await t.gql(BY_OPTIONS, { p: tee.id, o: [{ name: 'Size', value: 'XXL' }, { name: 'Colour', value: 'Red' }] }))).toBe('BAD_USER_INPUT');

    const products = async () => Number((await t.sql('SELECT COUNT(*) AS n FROM product'))[0].n);
    const count = await products();
    const twice = { ...i, name: 'Tee 2', variants: [
      { sku: 'T2-1', name: 'x', price: 1, currencyCode: 'EUR', options: [{ name: 'Size', value: 'S' }, { name: 'Colour', value: 'Red' }] },
      { sku: 'T2-2', name: 'y', price: 1, currencyCode: 'EUR', options: [{ name: 'Size', value: 'S' }, { name: 'Colour', value: 'Red' }] }] };
    expect(codeOf(await t.admin(SHIRT, { i: twice }))).toBe('BAD_USER_INPUT');
    const missing = { ...i, name: 'Tee 3', variants: [{ sku: 'T3-1', name: 'x', price: 1, currencyCode: 'EUR', options: [{ name: 'Size', value: 'S' }] }] };
    expect(codeOf(await t.admin(SHIRT, { i: missing }))).toBe('BAD_USER_INPUT');
    expect(await products()).toBe(count);

    // A new variant, then a third option that every variant is given a value of in the same call.
    const ADD = `mutation($p: ID!, $i: CreateVariantInput!) { addVariant(productId: $p, input: $i) { sku options { name value } } }`;
    expect(codeOf(await t.admin(ADD, { p: tee.id, i: { sku: 'TEE-S-BLUE-2', name: 'dup', price: 1, currencyCode: 'EUR', options: [{ name: 'Size', value: 'S' }, { name: 'Colour', value: 'Blue' }] } }))).toBe('BAD_USER_INPUT');
    ok(await t.admin(ADD, { p: tee.id, i: { sku: 'TEE-L-RED', name: 'Tee L red', price: 1600, currencyCode: 'EUR', options: [{ name: 'Size', value: 'L' }, { name: 'Colour', value: 'Red' }] } }));
    const UPDATE = `mutation($id: ID!, $i: UpdateProductInput!, $v: [VariantChoiceInput!]) { updateProduct(id: $id, input: $i, variants: $v) { name options { name } variants { sku options { value } } } }`;
    const options = [...i.options, { name: 'Fit', values: ['Regular', 'Slim'] }];
    expect(codeOf(await t.admin(UPDATE, { id: tee.id, i: { options } }))).toBe('BAD_USER_INPUT');
    const fit = (sku: string, size: string, colour: string, f: string) => ({ sku, options: [{ name: 'Size', value: size }, { name: 'Colour', value: colour }, { name: 'Fit', value: f }] });
    const updated = ok(await t.admin(UPDATE, { id: tee.id, i: { name: 'Tee, organic', options }, v: [fit('TEE-S-BLUE', 'S', 'Blue', 'Slim'), fit('TEE-M-BLUE', 'M', 'Blue', 'Regular'), fit('TEE-L-RED', 'L', 'Red', 'Regular')] })).updateProduct;
    expect(updated.name).toBe('Tee, organic');
    expect(updated.variants.map((v: any) => v.options.map((o: any) => o.value).join('/'))).toEqual(['S/Blue/Slim', 'M/Blue/Regular', 'L/Red/Regular']);
    expect(ok(await t.gql(BY_OPTIONS, { p: tee.id, o: [{ name: 'Size', value: 'S' }, { name: 'Colour', value: 'Blue' }, { name: 'Fit', value: 'Slim' }] })).variantByOptions).toEqual({ sku: 'TEE-S-BLUE' });
  });

  it('finds products by part of a SKU as well as by name, and refuses changes to what does not exist', async () => {
    const bySku = ok(await t.gql(`{ products(filter: { search: "tee-l" }) { nodes { name } } }`)).products.nodes;
    expect(bySku.map((p: any) => p.name)).toEqual(['Tee, organic']);
    const byName = ok(await t.gql(`{ products(filter: { search: "ORGANIC" }) { nodes { name } } }`)).products.nodes;
    expect(byName.map((p: any) => p.name)).toEqual(['Tee, organic']);
    expect(codeOf(await t.admin(UPDATE_VARIANT, { sku: 'NOPE', i: { price: 1 } }))).toBe('NOT_FOUND');
    expect(codeOf(await t.admin(UPDATE_VARIANT, { sku: 'MUG', i: { price: -1 } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(UPDATE_VARIANT, { sku: 'MUG', i: { price: 1 } }))).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql(`{ variant(sku: "MUG") { price } }`)).variant.price).toBe(1200);
  });
});
