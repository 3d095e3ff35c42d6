// Providers a deployment brings (a payment gateway, a carrier, an SMS or email transport, a document
// store) under `providers` in the config file or a plugin. The kernel knows no kind of provider: each
// module declares the kinds it owns (`providerKinds`: the key, the methods a provider must have, how it
// is installed into the module's service), and the engine checks every `providers` object against them
// before anything is opened. A kind no module declares is a configuration error naming the key.
import { ConfigError } from '../config.js';
import type { AppRuntime } from './runtime.js';

export interface ProviderKind<P = any> {
  /** The key under `providers` (`payment`). */
  key: string;
  /** A list of providers, each with its own `code` (payment methods, carriers), or a single one (the SMS transport). */
  many: boolean;
  /** Whether a single provider needs a `code` too (lists always do). */
  needsCode?: boolean;
  /** What the provider is, for messages ("payment providers"). */
  label: string;
  required: readonly string[];
  optional?: readonly string[];
  /** Hands the provider to the owning module's service; a later source replaces an earlier one's code. */
  install(app: AppRuntime, provider: P): void;
}

/** `providers` as the config file and plugins give it: `{ payment: [...], sms: {...} }`. */
export type ProviderSet = Record<string, unknown>;

/** The kinds the modules of an engine declare. */
export const providerKindsOf = (modules: readonly { providerKinds?: ProviderKind[] }[]): ProviderKind[] => modules.flatMap((m) => m.providerKinds ?? []);

const CODE = /^[a-z][a-z0-9-]*$/;

/** Checks a `providers` object; `key` is where it sits, for the message (`ordo.config: providers`). */
export function checkProviders(value: unknown, key: string, kinds: readonly ProviderKind[]): ProviderSet {
  if (!isObject(value)) throw new ConfigError(`${key} must be an object ({ ${kinds.map((k) => k.key).join(', ')} }).`);
  const byKey = new Map(kinds.map((k) => [k.key, k]));
  for (const [k, v] of Object.entries(value)) {
    const kind = byKey.get(k);
    if (!kind) throw new ConfigError(`${key}.${k} is not a kind of provider (use ${[...byKey.keys()].join(', ')}).`);
    if (v === undefined) continue;
    if (!kind.many) {
      checkOne(v, `${key}.${k}`, kind, kind.needsCode ?? true);
      continue;
    }
    if (!Array.isArray(v)) throw new ConfigError(`${key}.${k} must be an array of ${kind.label}.`);
    const codes = new Map<string, number>();
    v.forEach((p, i) => {
      const at = `${key}.${k}[${i}]`;
      checkOne(p, at, kind, true);
      const code = (p as { code: string }).code;
      if (codes.has(code)) throw new ConfigError(`${at} has the code "${code}" of ${key}.${k}[${codes.get(code)}]: codes must differ.`);
      codes.set(code, i);
    });
  }
  return value;
}

/** Installs each source's providers in order (the modules' first, the config file's last, so the deployment's win). */
export function installProviders(app: AppRuntime, sources: readonly ProviderSet[], kinds: readonly ProviderKind[]): void {
  const byKey = new Map(kinds.map((k) => [k.key, k]));
  for (const s of sources) {
    for (const [k, v] of Object.entries(s)) {
      if (v === undefined) continue;
      const kind = byKey.get(k)!;
      for (const p of kind.many ? (v as unknown[]) : [v]) kind.install(app, p);
    }
  }
}

/** What a `providers` object brings, for the start-up log: codes by kind. */
export function providerSummary(set: ProviderSet): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const name = (p: unknown) => String((p as { code?: unknown })?.code ?? (p as object)?.constructor?.name ?? 'custom');
  for (const [k, v] of Object.entries(set)) if (v !== undefined) out[k] = Array.isArray(v) ? v.map(name) : name(v);
  return out;
}

function checkOne(p: unknown, at: string, kind: ProviderKind, needsCode: boolean): void {
  if (!isObject(p)) throw new ConfigError(`${at} is not a provider object.`);
  if (needsCode) {
    if (typeof p.code !== 'string') throw new ConfigError(`${at} has no code string.`);
    if (!CODE.test(p.code)) throw new ConfigError(`${at} has the code "${p.code}": use lower-case kebab (acme-pay).`);
  }
  for (const fn of kind.required) {
    if (typeof p[fn] !== 'function') throw new ConfigError(`${at} has no ${fn} function.`);
  }
  for (const fn of kind.optional ?? []) {
    if (p[fn] !== undefined && typeof p[fn] !== 'function') throw new ConfigError(`${at}.${fn} must be a function.`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
