// The storefront's own operations (test/operations/*.graphql), typed by codegen, against a real engine.
import { readFileSync } from 'node:fs';
import { parse, print, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, setupShop } from '../helpers/fixtures.js';
import type { CatalogQuery, OrderByIdQuery, PlaceOrderMutation, PlaceOrderMutationVariables } from '../generated/operations.js';

const doc = parse(readFileSync('test/operations/storefront.graphql', 'utf8'));
const op = (name: string) => print(doc.definitions.find((d) => (d as OperationDefinitionNode).name?.value === name)!);

describe('storefront operations (codegen types)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('sqlite');
    await setupShop(t, { variants: [{ sku: 'T-1', price: 1250, stock: { 'wh-a': 3 } }] });
  });
  afterAll(async () => t?.stop());

  it('browses, orders and follows an order as a guest', async () => {
    const catalog = ok<CatalogQuery>(await t.gql(op('Catalog'), { first: 10 }));
    expect(catalog.products.nodes[0].variants[0]).toMatchObject({ sku: 'T-1', price: 1250, available: 3 });
    const vars: PlaceOrderMutationVariables = { input: orderInput([{ sku: 'T-1', quantity: 2 }]), key: 'sf-1' };
    const placed = ok<PlaceOrderMutation>(await t.gql(op('PlaceOrder'), vars)).placeOrder;
    expect(placed.order.status).toBe('CONFIRMED');
    const read = ok<OrderByIdQuery>(await t.gql(op('OrderById'), { id: placed.order.id }, placed.accessToken)).order!;
    expect(read.number).toBe(placed.order.number);
    expect(read.history.map((h) => h.toStatus)).toEqual(['PENDING', 'CONFIRMED']);
    const after = ok<CatalogQuery>(await t.gql(op('Catalog'), { search: 'test' }));
    expect(after.products.nodes[0].variants[0].available).toBe(1);
  });
});
