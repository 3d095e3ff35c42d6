// Starting and stopping an engine process: config errors say what to fix; SIGTERM stops taking
// requests, lets in-flight ones finish, closes the queue and the pool.
import { ConfigError, loadConfig } from './config.js';
import { createEngine } from './app.js';
import { loadConfigFile } from './config-file.js';
import { createLogger } from './kernel/logger.js';

export async function runProcess(role: 'all' | 'worker'): Promise<void> {
  let config;
  let file;
  try {
    // The config file's settings are defaults; the environment overrides them.
    file = await loadConfigFile(process.env);
    config = loadConfig({ ...file.settings, ...process.env }, role);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Ordo cannot start: ${e.message}`);
      process.exit(78);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  if (file.path) log.info({ file: file.path, plugins: file.plugins.map((p) => p.name) }, 'configuration file read');
  const engine = await createEngine(config, { log, plugins: file.plugins });
  if (engine.devAdminKey) {
    console.log(`\n  Development admin API key (shown once, store it): ${engine.devAdminKey}\n  Use it as: Authorization: Bearer ${engine.devAdminKey}\n`);
  }
  if (engine.port !== undefined) {
    log.info({ port: engine.port, database: config.database.kind, queue: engine.app.queue.kind }, `Ordo listening on http://localhost:${engine.port}/graphql`);
  } else {
    log.info({ database: config.database.kind, queue: engine.app.queue.kind }, 'Ordo workers running');
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight work');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    try {
      await engine.stop();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
