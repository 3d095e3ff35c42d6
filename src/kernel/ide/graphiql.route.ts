// GraphiQL at /graphiql, served by the engine from node_modules: the IDE works on a machine without
// internet, and the page loads nothing from anywhere else (its Content-Security-Policy says so too).
// A browser opening /graphql lands here; API clients on /graphql are not affected.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Express, Request, Response } from 'express';
import { pageHeaders } from '../page-headers.js';
import type { OrdoConfig } from '../../config.js';
import { bootScript, graphiqlHtml, pageStyle } from './graphiql.page.js';

const require = createRequire(import.meta.url);

/**
 * The exact files the page needs. GraphiQL 3's UMD build runs without a bundler on React 18's UMD
 * builds (GraphiQL 4 and 5 ship ES modules only); graphql-ws's UMD build is the subscription client.
 */
const PACKAGE_FILES = [
  { pkg: 'graphiql', file: 'graphiql.min.css' },
  { pkg: 'react', file: 'umd/react.production.min.js' },
  { pkg: 'react-dom', file: 'umd/react-dom.production.min.js' },
  { pkg: 'graphiql', file: 'graphiql.min.js' },
  { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js' },
] as const;

interface Asset {
  /** /graphiql/assets/<content hash>/<name>: a new version is a new address, so browsers may keep one for a year. */
  path: string;
  type: 'text/css' | 'text/javascript';
  body: Buffer;
  gzipped?: Buffer;
}

function packageFile(pkg: string, file: string): string {
  let dir: string;
  try {
    dir = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`GraphiQL needs the npm package ${pkg}, which is not installed: run npm ci.`);
  }
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`GraphiQL needs ${pkg}/${file}, which the installed ${pkg} does not have: run npm ci.`);
  return path;
}

function asset(name: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/graphiql/assets/${hash}/${name}`, type: name.endsWith('.css') ? 'text/css' : 'text/javascript', body };
}

function loadAssets(paths: string[]): Asset[] {
  return [
    ...paths.map((p) => asset(basename(p), readFileSync(p))),
    asset('ordo-graphiql.css', Buffer.from(pageStyle)),
    asset('ordo-graphiql.js', Buffer.from(bootScript)),
  ];
}

/**
 * GraphiQL's page headers (kernel/page-headers.ts). Styles also allow inline: GraphiQL's dialogs (settings,
 * shortcuts) lock page scrolling with a <style> element they write at run time (react-remove-scroll);
 * its fonts are data: URLs in its stylesheet.
 */
const graphiqlHeaders = pageHeaders({ inlineStyles: true });

/** A browser navigating to /graphql (asks for HTML, sends no operation); not an API client's GET. */
function isBrowserVisit(req: Request): boolean {
  if (req.query.query !== undefined || req.query.extensions !== undefined) return false;
  if (!(req.headers.accept ?? '').includes('text/html')) return false;
  return req.accepts(['text/html', 'application/json', 'application/graphql-response+json']) === 'text/html';
}

export function mountGraphiql(app: Express, config: OrdoConfig): void {
  // ORDO_INTROSPECTION=false: an IDE without a schema is of no use, and its absence says so plainly (404);
  // a browser on /graphql then gets what Apollo answers any GET without a query.
  if (!config.introspection) return;

  // Resolved now, so that a broken install shows at start; read on the first visit, so that an engine
  // nobody opens the IDE on does not hold the files in memory.
  const files = PACKAGE_FILES.map((f) => packageFile(f.pkg, f.file));
  let assets: Map<string, Asset> | undefined;
  let page: string | undefined;
  const load = () => {
    if (!assets) {
      const list = loadAssets(files);
      assets = new Map(list.map((a) => [a.path, a]));
      page = graphiqlHtml({
        styles: list.filter((a) => a.type === 'text/css').map((a) => a.path),
        scripts: list.filter((a) => a.type === 'text/javascript').map((a) => a.path),
      });
    }
    return { assets, page: page! };
  };

  app.get('/graphql', (req, res, next) => {
    if (!isBrowserVisit(req)) return next();
    res.redirect(302, '/graphiql');
  });

  app.get('/graphiql', graphiqlHeaders, (_req, res) => {
    const { page: html } = load();
    res.set('cache-control', 'no-cache');
    res.type('html').send(html);
  });

  app.get('/graphiql/assets/:hash/:name', (req: Request, res: Response) => {
    const a = load().assets.get(req.path);
    if (!a) {
      res.status(404).type('text').send('Not found');
      return;
    }
    res.set({
      'content-type': `${a.type}; charset=utf-8`,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    });
    // The GraphiQL bundle is about 1 MB; gzipped once, on first demand, it is a quarter of that.
    if (req.acceptsEncodings('gzip') === 'gzip') {
      a.gzipped ??= gzipSync(a.body);
      res.set('content-encoding', 'gzip').send(a.gzipped);
    } else {
      res.send(a.body);
    }
  });
}
