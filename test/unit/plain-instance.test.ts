// plainInstance makes instances of an entity class that hold their fields as own data properties,
// without going through the class's property setters (the ORM's change tracking on managed entities).
import { describe, expect, it } from 'vitest';
import { plainInstance } from '../../src/kernel/db/entity-read.js';

class Thing {
  declare name: string;
  declare count: number;
  describe(): string {
    return `${this.name} × ${this.count}`;
  }
}
// What the ORM puts on an entity's prototype: an accessor per property, which plain assignment would call.
const setterCalls: string[] = [];
for (const key of ['name', 'count', 'note']) {
  Object.defineProperty(Thing.prototype, key, {
    get() {
      return `from the prototype's getter (${key})`;
    },
    set() {
      setterCalls.push(key);
    },
    configurable: true,
  });
}

describe('plainInstance', () => {
  it('holds the fields as own, enumerable data properties, never calling the class setters', () => {
    const t = plainInstance(Thing.prototype, { name: 'Mug', count: 2 });
    expect(t).toBeInstanceOf(Thing);
    expect(t.describe()).toBe('Mug × 2');
    expect(Object.keys(t)).toEqual(['name', 'count']);
    expect({ ...t }).toEqual({ name: 'Mug', count: 2 });
    expect(JSON.parse(JSON.stringify(t))).toEqual({ name: 'Mug', count: 2 });
    t.count = 3; // a reader's own change stays on the instance
    expect(t.describe()).toBe('Mug × 3');
    expect(setterCalls).toEqual([]);
  });

  it('keeps instances of different field lists apart: a field one shape has does not hide the getter from another', () => {
    const withNote = plainInstance(Thing.prototype, { name: 'Cup', count: 1, note: 'chipped' } as Record<string, unknown>) as Thing & { note: string };
    const without = plainInstance(Thing.prototype, { name: 'Bowl', count: 4 }) as Thing & { note: string };
    expect(withNote.note).toBe('chipped');
    expect(without.note).toBe("from the prototype's getter (note)");
    expect(Object.keys(without)).toEqual(['name', 'count']);
    // Instances of one shape are independent of each other.
    const again = plainInstance(Thing.prototype, { name: 'Plate', count: 6 });
    expect([without.describe(), again.describe()]).toEqual(['Bowl × 4', 'Plate × 6']);
    expect(setterCalls).toEqual([]);
  });
});
