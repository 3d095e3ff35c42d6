// Input arguments are checked by class-validator (type-graphql's default), which costs on every request
// far more than the checks themselves: a ValidationError object per property, several array filters per
// property and class, a closure and an arguments object per rule, and an async pass with a dynamic
// import in type-graphql around it. Measured on placeOrder it was about 8 % of the engine's CPU.
//
// Here the same rules (class-validator's own validator functions, looked up through its own metadata)
// are first run as a plain yes/no check. Only "valid" is trusted: anything else (a rule fails, or the
// check meets something it does not model: an async rule, a Set, a promise, groups) hands the argument
// to class-validator exactly as type-graphql would, so every error and message is class-validator's.
// test/unit/argument-validation.test.ts holds, over generated inputs for every input class, that the
// check and class-validator agree: what it calls valid class-validator finds nothing wrong with (the
// part that matters), and what class-validator passes it calls valid (the short way is taken).
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

/** A rule with its constraints' validators (class-validator's own, as registered for the rule's class). */
interface Check {
  rule: Rule;
  validators: Constraint['instance'][];
}
/** One property's rules, sorted by what class-validator does with them (ValidationExecutor.performValidations). */
interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  defined: Check[];
  custom: Check[];
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
  plan = compile(storage, rules);
  plans.set(rules, plan);
  return plan;
}

function compile(storage: Storage, rules: Rule[]): Plan {
  const plan: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(storage.groupByPropertyName(rules))) {
    if (list.some((r) => !MODELLED.has(r.type) || r.validateIf !== undefined)) return null;
    const checks = (type: string): Check[] | null => {
      const out: Check[] = [];
      for (const rule of list.filter((r) => r.type === type)) {
        const constraints = storage.getTargetValidatorConstraints(rule.constraintCls);
        if (constraints.some((c) => c.async)) return null;
        out.push({ rule, validators: constraints.map((c) => c.instance) });
      }
      return out;
    };
    const defined = checks(ValidationTypes.IS_DEFINED);
    const custom = checks(ValidationTypes.CUSTOM_VALIDATION);
    if (!defined || !custom) return null;
    plan.push({
      name,
      conditions: list.filter((r) => r.type === ValidationTypes.CONDITIONAL_VALIDATION).map((r) => r.constraints[0] as (o: object, v: unknown) => boolean),
      defined,
      custom,
      nested: list.some((r) => r.type === ValidationTypes.NESTED_VALIDATION),
    });
  }
  return plan;
}

/**
 * Whether every validator of a rule answers `true` for the value (for each element, with `each` on an
 * array). Anything but `true` (a promise included) counts as not sure.
 */
function holds(object: object, targetName: string | undefined, value: unknown, { rule, validators }: Check): boolean {
  const args = { targetName, property: rule.propertyName, object, value, constraints: rule.constraints };
  if (rule.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
    if (!Array.isArray(value)) return false;
    for (const v of validators) for (const x of value) if (v.validate(x, args) !== true) return false;
    return true;
  }
  for (const v of validators) if (v.validate(value, args) !== true) return false;
  return true;
}

/** True only when class-validator (skipMissingProperties, forbidUnknownValues false) would find nothing wrong with the object. */
export function surelyValid(object: object, storage = validatorStorage() as unknown as Storage, depth = 0): boolean {
  if (depth > 32) return false;
  const plan = planOf(storage, storage.getTargetValidationMetadatas(object.constructor, undefined, false, false, undefined));
  if (plan === null) return false;
  const target = object as Record<string, unknown>;
  const targetName = object.constructor?.name;
  property: for (const p of plan) {
    const value = target[p.name];
    if (value instanceof Promise) return false;
    for (const condition of p.conditions) if (!condition(object, value)) continue property;
    for (const c of p.defined) if (!holds(object, targetName, value, c)) return false;
    if (value === null || value === undefined) continue;
    for (const c of p.custom) if (!holds(object, targetName, value, c)) return false;
    if (p.nested && !nestedValid(value, storage, depth)) return false;
  }
  return true;
}

/** ValidateNested: an object is validated by its own class's rules, an array element by element (missing ones skipped); anything else is an error. */
function nestedValid(value: unknown, storage: Storage, depth: number): boolean {
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && v !== undefined && !(typeof v === 'object' && nestedValid(v, storage, depth))) return false;
    return true;
  }
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
