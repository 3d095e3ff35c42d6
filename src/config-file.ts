// The optional configuration file: `ordo.config.js` (or .mjs, or .ts) at the project root, or the file
// ORDO_CONFIG names. Its default export lists the plugins to enable, the providers to use and env-like
// settings; environment variables override the settings.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type OrdoConfig } from './config.js';
import type { OrdoModule } from './kernel/module.js';

export type SettingValue = string | number | boolean;

export interface OrdoFileConfig {
  /** Plugins made with definePlugin, enabled in this order after the core modules. */
  plugins?: OrdoModule[];
  /**
   * Payment providers, carriers, the SMS and email transports, the document store (`OrdoProviders` in
   * src/index.ts); checked against the kinds the modules declare when the engine starts.
   */
  providers?: object;
  /** Environment-variable style settings (`{ PORT: 4100, ORDO_INVOICE_ON: 'shipment' }`); the real environment wins. */
  settings?: Record<string, SettingValue>;
}

export interface LoadedConfigFile {
  /** The file that was read, or null when there is none. */
  path: string | null;
  plugins: OrdoModule[];
  providers: object;
  settings: Record<string, string>;
}

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
  if (!path) return { path: null, plugins: [], providers: {}, settings: {} };
  let mod: Record<string, unknown>;
  try {
    mod = path.endsWith('.ts') ? await importTypeScript(path) : await import(pathToFileURL(path).href);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`ordo.config: ${path} could not be loaded: ${(e as Error).message}`);
  }
  return { path, ...validateConfigFile(mod.default) };
}

/** What `npm start` and `npm run worker` start from; the test engine (test/helpers/engine.ts) uses it too. */
export interface Startup {
  /** The config file that was read, or null. */
  path: string | null;
  config: OrdoConfig;
  plugins: OrdoModule[];
  providers: object;
}

/** Reads the config file and the settings: the file's settings are defaults, the environment overrides them. */
export async function resolveStartup(env: Record<string, string | undefined>, role: 'all' | 'api' | 'worker' = 'all', cwd = process.cwd()): Promise<Startup> {
  const file = await loadConfigFile(env, cwd);
  const config = loadConfig({ ...file.settings, ...env }, role);
  return { path: file.path, config, plugins: file.plugins, providers: file.providers };
}

/**
 * The compiled engine runs on plain Node, which cannot import TypeScript: the file is transpiled (types
 * dropped, nothing checked) into a temporary .mjs beside it, so that its relative imports resolve the
 * same, imported, and removed again.
 */
async function importTypeScript(path: string): Promise<Record<string, unknown>> {
  let ts: typeof import('typescript');
  try {
    const mod = (await import('typescript')) as typeof import('typescript') & { default?: typeof import('typescript') };
    ts = mod.default ?? mod;
  } catch {
    throw new ConfigError(`ordo.config: ${path} is TypeScript, but the typescript package (a devDependency) is not installed: write the file as ordo.config.js or .mjs.`);
  }
  const out = ts.transpileModule(readFileSync(path, 'utf8'), {
    fileName: path,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const error = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (error) {
    const at = error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : null;
    const where = at ? ` (line ${at.line + 1}, column ${at.character + 1})` : '';
    throw new ConfigError(`ordo.config: ${path} has a syntax error${where}: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}`);
  }
  // Dot-prefixed and unique: never taken for a config file, and two processes starting at once do not collide.
  const temp = join(dirname(path), `.${basename(path, '.ts')}.${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  writeFileSync(temp, out.outputText);
  try {
    return await import(pathToFileURL(temp).href);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Checks a config file's default export; every error names the key and what is wrong. */
export function validateConfigFile(value: unknown): Omit<LoadedConfigFile, 'path'> {
  if (!isObject(value)) throw new ConfigError('ordo.config: the file must `export default { plugins: [...], providers: {...}, settings: {...} }` (use defineConfig).');
  for (const key of Object.keys(value)) {
    if (!['plugins', 'providers', 'settings'].includes(key)) throw new ConfigError(`ordo.config: unknown key "${key}" (use plugins, providers and settings).`);
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
      for (const arr of ['entities', 'resolvers', 'dependsOn', 'pricing'] as const) {
        if (p[arr] !== undefined && !Array.isArray(p[arr])) throw new ConfigError(`ordo.config: plugins[${i}].${arr} must be an array.`);
      }
      if (p.providers !== undefined && !isObject(p.providers)) throw new ConfigError(`ordo.config: plugins[${i}].providers must be an object.`);
      names.add(p.name);
      plugins.push(p as unknown as OrdoModule);
    });
  }
  // Each provider is checked by the engine against the kinds its modules declare (kernel/providers.ts).
  if (value.providers !== undefined && !isObject(value.providers)) throw new ConfigError('ordo.config: providers must be an object ({ payment: [...], carrier: [...], sms, email, documentStore }).');
  const providers = value.providers ?? {};
  const settings: Record<string, string> = {};
  if (value.settings !== undefined) {
    const known = knownSettingNames();
    if (!isObject(value.settings)) throw new ConfigError('ordo.config: settings must be an object of environment-variable style settings ({ PORT: 4100 }).');
    for (const [k, v] of Object.entries(value.settings)) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(k)) throw new ConfigError(`ordo.config: settings.${k} is not a setting name: use the environment variable's name (PORT, ORDO_INVOICE_ON, ...).`);
      if (!known.has(k)) throw new ConfigError(`ordo.config: settings.${k} is not a setting Ordo knows (the settings are the environment variables in README.md, Settings).`);
      if (!['string', 'number', 'boolean'].includes(typeof v)) throw new ConfigError(`ordo.config: settings.${k} must be a string, number or boolean.`);
      settings[k] = String(v);
    }
  }
  return { plugins, providers, settings };
}

/**
 * The environment variables loadConfig reads, found by letting it read an environment that records every
 * name asked for (all unset: every setting is read, none refused), for both process roles. So the list
 * is src/config.ts itself and cannot drift from it. A setting that loadConfig read only on some other
 * branch (say, only in production) would be missed: read settings unconditionally there.
 */
export function knownSettingNames(): Set<string> {
  const names = new Set<string>();
  const recorder = new Proxy({} as Record<string, string | undefined>, {
    get: (_, k) => (typeof k === 'string' && names.add(k), undefined),
  });
  for (const role of ['all', 'worker'] as const) loadConfig(recorder, role);
  return names;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
