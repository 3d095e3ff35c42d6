// Libraries that only some processes use are loaded when first used, not when the engine starts: pdfkit
// (documents), nodemailer (mail), ioredis, bullmq and bull-board (with REDIS_URL), the PostgreSQL driver
// (with DATABASE_URL). A process that renders no PDF and sends no mail, or runs on SQLite without Redis,
// never carries them: their code and objects were about a tenth of an idle engine's resident memory
// (README, Performance: issue 16, seventeenth session), and every live subscriber's process pays that
// once more per process. All of them are CommonJS packages, so `require` returns the very module object an
// `import` elsewhere (tests, plugins) gets: one class, one `instanceof`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A loader for module `id`: the first call loads it (synchronously), later calls return the same module. */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}

/** Module `id` if something in this process has loaded it already, else undefined (nothing is loaded). */
export function loadedModule<T>(id: string): T | undefined {
  const entry = require.cache[require.resolve(id)];
  return entry?.loaded ? (entry.exports as T) : undefined;
}
