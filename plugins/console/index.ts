// console: the back office in the browser (plugins/console/README.md), served at /console by the engine
// that enables it. The page is built by `npm run build` (Vite, plugins/console/app) into
// dist/plugins/console/public, beside this file once compiled, and uses only the public GraphQL API and
// its subscriptions, as any headless client could. Its headers are the engine's for its own pages
// (pageHeaders: scripts, styles and connections to this engine only, no inline script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import { definePlugin, pageHeaders } from '../../src/index.js';

export interface ConsoleOptions {
  /** Where the console is served (default /console). */
  path?: string;
}

export function consolePlugin(options: ConsoleOptions = {}) {
  const path = options.path ?? '/console';
  // Compiled: dist/plugins/console/index.js beside dist/plugins/console/public.
  const root = fileURLToPath(new URL('./public/', import.meta.url));
  return definePlugin({
    name: 'console',
    routes: (router) => {
      // Express matches /console/ here too (routing is not strict): only the bare path is redirected.
      router.get(path, (req: Request, res: Response, next) => (req.originalUrl.split('?')[0] === path ? res.redirect(301, `${path}/`) : next()));
      router.use(`${path}/`, pageHeaders(), (req: Request, res: Response, next) => {
        if (!existsSync(`${root}index.html`)) {
          res.status(503).type('text/plain').send('The console is not built: run `npm run build`.');
          return;
        }
        next();
      }, express.static(root, { index: 'index.html', fallthrough: false, immutable: true, maxAge: '1y', setHeaders: (res, file) => {
        // The page names its hashed assets: it is re-read on every visit, they never change.
        if (file.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
      } }));
    },
  });
}
