// Starting and stopping an engine process: config errors say what to fix; SIGTERM stops taking
// requests, lets in-flight ones finish, closes the queue and the pool.
import { ConfigError } from './config.js';
import { createEngine } from './app.js';
import { resolveStartup, type Startup } from './config-file.js';
import { createLogger } from './kernel/logger.js';
import { providerSummary } from './kernel/providers.js';
import { startTracing, stopTracing } from './kernel/tracing.js';

export async function runProcess(role: 'all' | 'worker'): Promise<void> {
  // The config file's settings are defaults; the environment overrides them (the test engine starts the same way).
  const startup = await resolveStartup(process.env, role).catch(refuseStart);
  const { config, plugins, providers } = startup;
  const log = createLogger(config.logLevel);
  if (startup.path) log.info({ file: startup.path, plugins: plugins.map((p) => p.name), providers: providerSummary(providers as Record<string, unknown>) }, 'configuration file read');
  // Before the engine opens anything: its database, queue and server are traced from the start.
  if (config.otelEndpoint) {
    await startTracing({ endpoint: config.otelEndpoint, serviceName: config.otelServiceName, log });
    log.info({ endpoint: new URL(config.otelEndpoint).origin, service: config.otelServiceName }, 'OpenTelemetry traces exported over OTLP');
  }
  // A plugin's own providers are checked by createEngine before it opens anything: the same answer as a bad file.
  const engine = await createEngine(config, { log, plugins, providers }).catch(refuseStart);
  if (engine.devAdminKey) {
    console.log(`\n  Development admin API key (shown once, store it): ${engine.devAdminKey}\n  Use it as: Authorization: Bearer ${engine.devAdminKey}\n`);
  }
  if (engine.port !== undefined) {
    log.info({ port: engine.port, database: config.database.kind, queue: engine.app.queue.kind }, `Ordo listening on http://localhost:${engine.port}/graphql`);
  } else {
    log.info({ database: config.database.kind, queue: engine.app.queue.kind, ...(engine.workerPort !== undefined ? { workerPort: engine.workerPort } : {}) }, 'Ordo workers running');
  }
  if (engine.metricsPort !== undefined) {
    log.info({ port: engine.metricsPort, host: config.metricsHost }, `metrics on http://${config.metricsHost}:${engine.metricsPort}/metrics`);
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
      await stopTracing(); // exports the spans still buffered
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** A configuration mistake ends the process with its message (exit 78, EX_CONFIG); anything else is thrown on. */
function refuseStart(e: unknown): never {
  if (e instanceof ConfigError) {
    console.error(`Ordo cannot start: ${e.message}`);
    process.exit(78);
  }
  throw e;
}
