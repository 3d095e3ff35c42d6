// Plugins are ordered by what they depend on: a plugin's handlers, guards and pricing steps run after
// those of the plugins it names, whatever order the config file lists them in.
import { describe, expect, it } from 'vitest';
import { definePlugin, orderModules } from '../../src/kernel/module.js';

const p = (name: string, dependsOn?: string[]) => definePlugin({ name, dependsOn });

describe('orderModules', () => {
  it('puts each plugin after the ones it depends on, and keeps the listed order otherwise', () => {
    const order = orderModules([p('tiers', ['loyalty']), p('webhooks'), p('loyalty', ['customers']), p('customers')]).map((m) => m.name);
    expect(order).toEqual(['customers', 'loyalty', 'tiers', 'webhooks']);
  });

  it('refuses a dependency that is not enabled, naming both', () => {
    expect(() => orderModules([p('tiers', ['loyalty'])])).toThrow('module "tiers" depends on "loyalty", which is not enabled');
  });

  it('refuses plugins that depend on each other in a circle', () => {
    expect(() => orderModules([p('a', ['b']), p('b', ['c']), p('c', ['a'])])).toThrow(/in a circle/);
  });

  it('refuses two plugins of one name, and names that are not lower-case kebab', () => {
    expect(() => orderModules([p('loyalty'), p('loyalty')])).toThrow('two modules are named "loyalty"');
    expect(() => definePlugin({ name: 'Loyalty Points' })).toThrow(/lower-case kebab/);
  });
});
