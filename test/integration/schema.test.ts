// schema/schema.graphql is what the code emits (run `npm run schema` after changing resolvers), and
// it holds the core contract, all of it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';

describe('emitted schema', () => {
  // Emitted as `npm run schema` does, in a process of its own: this test process has loaded other test
  // files' plugins (vitest keeps modules between files), and type-graphql keeps every decorated class.
  const emitted = mkdtempSync(join(tmpdir(), 'ordo-schema-'));
  beforeAll(() => {
    execFileSync(process.execPath, ['--import', '@swc-node/register/esm-register', 'scripts/emit-schema.ts', '--out', emitted], { stdio: 'pipe' });
  }, 60_000);

  it('is up to date with the code', () => {
    expect(readFileSync('schema/schema.graphql', 'utf8')).toBe(readFileSync(join(emitted, 'schema.graphql'), 'utf8'));
  });

  it('schema/schema.plugins.graphql is up to date: the core with the three first-party plugins', () => {
    expect(readFileSync('schema/schema.plugins.graphql', 'utf8')).toBe(readFileSync(join(emitted, 'schema.plugins.graphql'), 'utf8'));
  });

  it("has the plugins' types and fields when they are enabled, and not otherwise", () => {
    const core = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
    const withPlugins = buildSchema(readFileSync('schema/schema.plugins.graphql', 'utf8'));
    const parts = (s: typeof core) => ({
      types: ['WebhookEndpoint', 'WebhookDelivery', 'LoyaltyLedgerEntry', 'OrderLoyalty', 'FraudScreenRule'].filter((n) => s.getType(n)),
      queries: ['webhookEndpoints', 'webhookDeliveries', 'loyaltyLedger', 'fraudScreenRules'].filter((n) => s.getQueryType()!.getFields()[n]),
      mutations: ['createWebhookEndpoint', 'adjustLoyaltyPoints'].filter((n) => s.getMutationType()!.getFields()[n]),
      coreFields: [['Customer', 'loyaltyPoints'], ['Order', 'loyalty']].filter(([t, f]) => (s.getType(t) as any).getFields()[f]).map((x) => x.join('.')),
    });
    expect(parts(core)).toEqual({ types: [], queries: [], mutations: [], coreFields: [] });
    expect(parts(withPlugins)).toEqual({
      types: ['WebhookEndpoint', 'WebhookDelivery', 'LoyaltyLedgerEntry', 'OrderLoyalty', 'FraudScreenRule'],
      queries: ['webhookEndpoints', 'webhookDeliveries', 'loyaltyLedger', 'fraudScreenRules'],
      mutations: ['createWebhookEndpoint', 'adjustLoyaltyPoints'],
      coreFields: ['Customer.loyaltyPoints', 'Order.loyalty'],
    });
  });

  // The committed schema (what the code emits, checked above) against the core contract, with no
  // exceptions: every breaking difference fails, as `node ../shared/tools/contract-check.mjs` does in CI.
  it.each(['schema/schema.graphql', 'schema/schema.plugins.graphql'])('%s holds the core contract: no breaking difference', (file) => {
    const contract = buildSchema(readFileSync('../shared/contract/core.graphql', 'utf8'));
    const emitted = buildSchema(readFileSync(file, 'utf8'));
    expect(findBreakingChanges(contract, emitted).map((c) => `${c.type}: ${c.description}`)).toEqual([]);
  });
});
