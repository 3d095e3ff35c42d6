// schema/schema.graphql is what the code emits (run `npm run schema` after changing resolvers), and
// it holds the core contract except the parts later work adds.
import { readFileSync } from 'node:fs';
import { buildSchema, findBreakingChanges } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSchemaFile } from '../../src/schema-print.js';
import { coreModules } from '../../src/modules.js';

describe('emitted schema', () => {
  it('is up to date with the code', async () => {
    expect(readFileSync('schema/schema.graphql', 'utf8')).toBe(await printSchemaFile(coreModules));
  });

  it('holds every part of the contract that this engine already builds', () => {
    const contract = buildSchema(readFileSync('../shared/contract/core.graphql', 'utf8'));
    const emitted = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
    const missing = findBreakingChanges(contract, emitted).map((c) => c.description);
    // Everything still missing belongs to shipments, payments after authorization, invoices, returns and live events.
    const later = /Shipment|Tracking|markShipment|recordTrackingEvent|Order\.shipments|Query\.shipment/;
    expect(missing.filter((d) => !later.test(d))).toEqual([]);
  });
});
