// Input arguments are checked by class-validator (type-graphql's default), which costs on every request
// far more than the checks themselves: a ValidationError object per property, several array filters per
// property and class, a closure and an arguments object per rule, and an async pass with a dynamic
// import in type-graphql around it. Measured on placeOrder it was about 8 % of the engine's CPU.
//
// Here the same rules (class-validator's own validator functions, looked up through its own metadata)
// are first run as a plain yes/no check. Only "valid" is trusted: anything else (a rule fails, or the
// check meets something it does not model: an async rule, a Set, a promise, groups) hands the argument
// to class-validator exactly as type-graphql would, so every error and message is class-validator's.
// test/unit/argument-validation.test.ts holds "valid here ⇒ valid there" over generated inputs.
import { getMetadataStorage as validatorStorage, validateOrReject, ValidationTypes, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, getMetadataStorage as typeGraphqlStorage, type ValidatorFn } from 'type-graphql';

interface Rule {
  type: string;
  propertyName: string;
  constraints: unknown[];
  constraintCls: Function;
  each?: boolean;
  validateIf?: unknown;
}
interface Constraint {
  async: boolean;
  instance: { validate(value: unknown, args: object): unknown };
}
interface Storage {
  getTargetValidationMetadatas(target: Function, schema: string | undefined, always: boolean, strictGroups: boolean, groups?: string[]): Rule[];
  groupByPropertyName(rules: Rule[]): Record<string, Rule[]>;
  getTargetValidatorConstraints(cls: Function): Constraint[];
}

/** One property's rules, sorted by what class-validator does with them (ValidationExecutor.performValidations). */
interface PropertyPlan {
  name: string;
  conditions: Rule[];
  defined: { rule: Rule; constraints: Constraint[] }[];
  custom: { rule: Rule; constraints: Constraint[] }[];
  nested: boolean;
}
/** A class's plan, or null when one of its rules is of a kind this check leaves to class-validator. */
type Plan = PropertyPlan[] | null;

const MODELLED = new Set<string>([ValidationTypes.CUSTOM_VALIDATION, ValidationTypes.NESTED_VALIDATION, ValidationTypes.CONDITIONAL_VALIDATION, ValidationTypes.IS_DEFINED, ValidationTypes.WHITELIST]);

// Keyed by the rule list class-validator answers for a class: validation-metadata.ts keeps that list
// per class until a rule is added, and a new list means a new plan.
const plans = new WeakMap<Rule[], Plan>();

function planOf(storage: Storage, rules: Rule[]): Plan {
  let plan = plans.get(rules);
  if (plan !== undefined) return plan;
  plan = [];
  for (const [name, list] of Object.entries(storage.groupByPropertyName(rules))) {
    if (list.some((r) => !MODELLED.has(r.type) || r.validateIf !== undefined)) {
      plan = null;
      break;
    }
    const withConstraints = (r: Rule) => ({ rule: r, constraints: storage.getTargetValidatorConstraints(r.constraintCls) });
    plan.push({
      name,
      conditions: list.filter((r) => r.type === ValidationTypes.CONDITIONAL_VALIDATION),
      defined: list.filter((r) => r.type === ValidationTypes.IS_DEFINED).map(withConstraints),
      custom: list.filter((r) => r.type === ValidationTypes.CUSTOM_VALIDATION).map(withConstraints),
      nested: list.some((r) => r.type === ValidationTypes.NESTED_VALIDATION),
    });
  }
  plans.set(rules, plan);
  return plan;
}

/** Whether every constraint of a rule holds for the value (each element with `each` on an array); false also for what is not modelled (async). */
function holds(object: object, value: unknown, { rule, constraints }: { rule: Rule; constraints: Constraint[] }): boolean {
  const args = { targetName: object.constructor?.name, property: rule.propertyName, object, value, constraints: rule.constraints };
  for (const c of constraints) {
    if (c.async) return false;
    if (rule.each && (value instanceof Set || value instanceof Map)) return false;
    const values = rule.each && Array.isArray(value) ? value : [value];
    for (const v of values) {
      const ok = c.instance.validate(v, args);
      if (ok !== true && ok !== false) return false; // a promise (or an odd answer): leave it to class-validator
      if (!ok) return false;
    }
  }
  return true;
}

/** True only when class-validator (skipMissingProperties, forbidUnknownValues false) would find nothing wrong with the object. */
export function surelyValid(object: object, storage = validatorStorage() as unknown as Storage, depth = 0): boolean {
  if (depth > 32) return false;
  const plan = planOf(storage, storage.getTargetValidationMetadatas(object.constructor, undefined, false, false, undefined));
  if (plan === null) return false;
  const target = object as Record<string, unknown>;
  for (const p of plan) {
    const value = target[p.name];
    if (value instanceof Promise) return false;
    if (!p.conditions.every((r) => (r.constraints[0] as (o: object, v: unknown) => boolean)(object, value))) continue;
    if (!p.defined.every((d) => holds(object, value, d))) return false;
    if (value === null || value === undefined) continue;
    if (!p.custom.every((d) => holds(object, value, d))) return false;
    if (p.nested && !nestedValid(value, storage, depth)) return false;
  }
  return true;
}

/** ValidateNested: an object is validated by its own class's rules, an array element by element (missing ones skipped); anything else is an error. */
function nestedValid(value: unknown, storage: Storage, depth: number): boolean {
  if (Array.isArray(value)) return value.every((v) => v === null || v === undefined || (typeof v === 'object' && !(v instanceof Set || v instanceof Map) && nestedValid(v, storage, depth)));
  if (value instanceof Set || value instanceof Map) return false;
  return value instanceof Object && surelyValid(value, storage, depth + 1);
}

/**
 * type-graphql's check of an argument under the global settings (validateArg without per-argument ones):
 * the plain check first, class-validator with type-graphql's options when it is not sure.
 */
export function argumentValidator(global: ValidatorOptions): ValidatorFn {
  const options: ValidatorOptions = { ...global };
  if (options.skipMissingProperties !== false) options.skipMissingProperties = true;
  if (options.forbidUnknownValues !== true) options.forbidUnknownValues = false;
  // Groups, `always` or forbidden unknown values change which rules apply: the plain check does not model them.
  const modelled = options.skipMissingProperties && !options.forbidUnknownValues && !options.groups && !options.always && !options.whitelist && !options.strictGroups;
  const check = (v: unknown) => v !== null && typeof v === 'object';
  return (arg) => {
    if (!check(arg)) return undefined;
    const items = Array.isArray(arg) ? arg.filter(check) : [arg as object];
    if (modelled && items.every((x) => surelyValid(x))) return undefined;
    return Promise.all(items.map((x) => validateOrReject(x, options))).then(
      () => undefined,
      (err) => {
        throw new ArgumentValidationError(err);
      },
    );
  };
}

const installedFn = Symbol.for('ordo.argumentValidator');

/**
 * Gives every argument without settings of its own (no `validate` or `validateFn` in @Arg / @Args) the
 * validator above; those with settings of their own keep type-graphql's handling of them. Idempotent.
 */
export function useArgumentValidator(global: ValidatorOptions): void {
  const fn = argumentValidator(global);
  type Param = { kind: string; validateSettings?: unknown; validateFn?: ValidatorFn & { [installedFn]?: true }; options?: { arg?: Param } };
  const params = (typeGraphqlStorage() as unknown as { params: Param[] }).params;
  const tagged = Object.assign(fn, { [installedFn]: true as const });
  for (const p of params) {
    const arg = p.kind === 'arg' || p.kind === 'args' ? p : p.kind === 'custom' ? p.options?.arg : undefined;
    if (!arg || arg.validateSettings !== undefined) continue;
    if (arg.validateFn === undefined || arg.validateFn[installedFn]) arg.validateFn = tagged;
  }
}
