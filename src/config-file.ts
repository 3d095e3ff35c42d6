// The optional configuration file: `ordo.config.js` (or .mjs, or .ts when run with the swc register) at
// the project root, or the file ORDO_CONFIG names. Its default export lists the plugins to enable and
// env-like settings; environment variables override the settings.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './config.js';
import type { OrdoModule } from './kernel/module.js';

export type SettingValue = string | number | boolean;

export interface OrdoFileConfig {
  /** Plugins made with definePlugin, enabled in this order after the core modules. */
  plugins?: OrdoModule[];
  /** Environment-variable style settings (`{ PORT: 4100, ORDO_INVOICE_ON: 'shipment' }`); the real environment wins. */
  settings?: Record<string, SettingValue>;
}

export interface LoadedConfigFile {
  /** The file that was read, or null when there is none. */
  path: string | null;
  plugins: OrdoModule[];
  settings: Record<string, string>;
}

/** Identity, for type checking and editor help in the config file. */
export function defineConfig(config: OrdoFileConfig): OrdoFileConfig {
  return config;
}

export const CONFIG_FILE_NAMES = ['ordo.config.js', 'ordo.config.mjs', 'ordo.config.ts'];

/** Finds the config file: ORDO_CONFIG (which must exist), else the first of CONFIG_FILE_NAMES in `cwd`. */
export function findConfigFile(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string | null {
  if (env.ORDO_CONFIG) {
    const p = resolve(cwd, env.ORDO_CONFIG);
    if (!existsSync(p)) throw new ConfigError(`ORDO_CONFIG=${env.ORDO_CONFIG}: there is no such file.`);
    return p;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const p = resolve(cwd, name);
    if (existsSync(p)) return p;
  }
  return null;
}

export async function loadConfigFile(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Promise<LoadedConfigFile> {
  const path = findConfigFile(env, cwd);
  if (!path) return { path: null, plugins: [], settings: {} };
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (path.endsWith('.ts') && (code === 'ERR_UNKNOWN_FILE_EXTENSION' || e instanceof SyntaxError)) {
      throw new ConfigError(
        `ordo.config: ${path} is TypeScript, which the compiled engine cannot load. Write it as ordo.config.js (or .mjs), ` +
          `or run with the swc register (node --import @swc-node/register/esm-register src/main.ts).`,
      );
    }
    throw new ConfigError(`ordo.config: ${path} could not be loaded: ${(e as Error).message}`);
  }
  return { path, ...validateConfigFile(mod.default) };
}

/** Checks a config file's default export; every error names the key and what is wrong. */
export function validateConfigFile(value: unknown): Omit<LoadedConfigFile, 'path'> {
  if (!isObject(value)) throw new ConfigError('ordo.config: the file must `export default { plugins: [...], settings: {...} }` (use defineConfig).');
  for (const key of Object.keys(value)) {
    if (key !== 'plugins' && key !== 'settings') throw new ConfigError(`ordo.config: unknown key "${key}" (use plugins and settings).`);
  }
  const plugins: OrdoModule[] = [];
  if (value.plugins !== undefined) {
    if (!Array.isArray(value.plugins)) throw new ConfigError('ordo.config: plugins must be an array of plugins (made with definePlugin).');
    const names = new Set<string>();
    value.plugins.forEach((p, i) => {
      if (!isObject(p) || typeof p.name !== 'string') throw new ConfigError(`ordo.config: plugins[${i}] is not a plugin (use definePlugin).`);
      if (!/^[a-z][a-z0-9-]*$/.test(p.name)) throw new ConfigError(`ordo.config: plugins[${i}] has the name "${p.name}": use lower-case kebab (definePlugin checks it).`);
      if (names.has(p.name)) throw new ConfigError(`ordo.config: plugins[${i}] "${p.name}" is listed twice.`);
      for (const fn of ['routes', 'onStart', 'onStop'] as const) {
        if (p[fn] !== undefined && typeof p[fn] !== 'function') throw new ConfigError(`ordo.config: plugins[${i}].${fn} must be a function.`);
      }
      for (const obj of ['jobs', 'on', 'guards', 'nodes', 'repeatable', 'migrations'] as const) {
        if (p[obj] !== undefined && !isObject(p[obj])) throw new ConfigError(`ordo.config: plugins[${i}].${obj} must be an object.`);
      }
      for (const arr of ['entities', 'resolvers', 'dependsOn'] as const) {
        if (p[arr] !== undefined && !Array.isArray(p[arr])) throw new ConfigError(`ordo.config: plugins[${i}].${arr} must be an array.`);
      }
      names.add(p.name);
      plugins.push(p as unknown as OrdoModule);
    });
  }
  const settings: Record<string, string> = {};
  if (value.settings !== undefined) {
    if (!isObject(value.settings)) throw new ConfigError('ordo.config: settings must be an object of environment-variable style settings ({ PORT: 4100 }).');
    for (const [k, v] of Object.entries(value.settings)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(k)) throw new ConfigError(`ordo.config: settings.${k} is not a setting name: use the environment variable's name (PORT, ORDO_INVOICE_ON, ...).`);
      if (!['string', 'number', 'boolean'].includes(typeof v)) throw new ConfigError(`ordo.config: settings.${k} must be a string, number or boolean.`);
      settings[k] = String(v);
    }
  }
  return { plugins, settings };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
