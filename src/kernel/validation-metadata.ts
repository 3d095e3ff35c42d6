// type-graphql validates an input argument with class-validator on every request, and class-validator
// looks the input class's rules up anew each time: it filters its rules for the class and walks every
// class that has rules (an `instanceof` each) for inherited ones, then groups them by property. Measured
// on placeOrder that lookup was a quarter of the validation's time. The rules only change while classes
// are being declared, so the answers are kept per class until a rule is added.
import { getMetadataStorage } from 'class-validator';

type Lookup = (target: Function, schema: string | undefined, always: boolean, strictGroups: boolean, groups?: string[]) => unknown[];

interface Storage {
  getTargetValidationMetadatas: Lookup;
  groupByPropertyName(metadata: unknown[]): Record<string, unknown[]>;
  addValidationMetadata(metadata: unknown): void;
  addConstraintMetadata(metadata: unknown): void;
}

const installed = Symbol.for('ordo.validationMetadataCache');

/** Keeps class-validator's per-class rule lookups (its one global storage, shared by its builds). Idempotent. */
export function cacheValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as Storage & { [installed]?: true };
  if (storage[installed]) return;
  storage[installed] = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const addRule = storage.addValidationMetadata.bind(storage);
  const addConstraint = storage.addConstraintMetadata.bind(storage);
  // Per class, then per schema name: nested objects are looked up under their parent's class name.
  let byClass = new Map<Function, Map<string | undefined, unknown[]>>();
  // Keyed by the lookup's answer (the same array while it is kept): callers only read both.
  let grouped = new WeakMap<unknown[], Record<string, unknown[]>>();
  const forget = () => {
    byClass = new Map();
    grouped = new WeakMap();
  };
  storage.addValidationMetadata = (m) => {
    forget();
    addRule(m);
  };
  storage.addConstraintMetadata = (m) => {
    forget();
    addConstraint(m);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    // Only the plain cases are kept (what type-graphql asks): no groups, no `always`.
    if (always || strictGroups || groups?.length || typeof target !== 'function') return lookup(target, schema, always, strictGroups, groups);
    let bySchema = byClass.get(target);
    if (!bySchema) byClass.set(target, (bySchema = new Map()));
    let rules = bySchema.get(schema);
    if (!rules) bySchema.set(schema, (rules = lookup(target, schema, always, strictGroups, groups)));
    return rules;
  };
  storage.groupByPropertyName = (metadata) => {
    let g = grouped.get(metadata);
    if (!g) grouped.set(metadata, (g = group(metadata)));
    return g;
  };
}
