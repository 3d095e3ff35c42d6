// The GraphiQL page: an HTML shell that loads everything from this engine, and the small browser script
// that starts GraphiQL. The script is served as a file of its own (not inline) so that the page's
// Content-Security-Policy can forbid every inline script.

/** What a header editor shows first: the hint for signing in. A value still holding `<token>` is never sent. */
export const TOKEN_PLACEHOLDER = '<token>';

export interface PageAssets {
  styles: string[];
  /** In load order: React, ReactDOM, GraphiQL, graphql-ws, then the boot script. */
  scripts: string[];
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function graphiqlHtml(assets: PageAssets): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Ordo · GraphiQL</title>
<link rel="icon" href="data:,">
${assets.styles.map((href) => `<link rel="stylesheet" href="${attr(href)}">`).join('\n')}
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript. The API itself answers POST requests at /graphql.</noscript>
${assets.scripts.map((src) => `<script src="${attr(src)}"></script>`).join('\n')}
</body>
</html>
`;
}

/** The page fills the window (GraphiQL sizes itself to its container). */
export const pageStyle = `html, body, #graphiql { height: 100%; margin: 0; }
body { overflow: hidden; font-family: system-ui, sans-serif; }
`;

/**
 * Browser code (plain ES2020, runs as is). Queries and mutations go over HTTP POST to this origin's
 * /graphql; subscriptions over graphql-ws on the same path (ws: or wss: as the page was loaded). The
 * Authorization header from GraphiQL's headers editor goes along with both: as an HTTP header, and as
 * the `authorization` connection parameter, which is where the engine reads it on a WebSocket.
 */
export const bootScript = String.raw`// Ordo's GraphiQL (served by the engine; no external resources).
(function () {
  'use strict';
  var PLACEHOLDER = ${JSON.stringify(TOKEN_PLACEHOLDER)};
  var httpUrl = '/graphql';
  var wsUrl = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/graphql';

  // Headers as typed, minus the hint's placeholder: "Bearer <token>" left as is means "no token yet".
  function usableHeaders(headers) {
    var out = {};
    Object.keys(headers || {}).forEach(function (k) {
      var v = headers[k];
      if (typeof v === 'string' && v.indexOf(PLACEHOLDER) !== -1) return;
      out[k] = v;
    });
    return out;
  }

  function authorizationOf(headers) {
    var key = Object.keys(headers).find(function (k) { return k.toLowerCase() === 'authorization'; });
    return key === undefined ? undefined : String(headers[key]);
  }

  // One lazy graphql-ws client per Authorization value: the engine authenticates a socket once, when it
  // connects, so another token needs another connection. Lazy clients close when their last
  // subscription ends.
  var wsClients = new Map();
  function wsClientFor(authorization) {
    var key = authorization || '';
    var client = wsClients.get(key);
    if (!client) {
      client = graphqlWs.createClient({
        url: wsUrl,
        lazy: true,
        retryAttempts: 0,
        connectionParams: authorization ? { authorization: authorization } : {},
      });
      wsClients.set(key, client);
    }
    return client;
  }

  // GraphiQL's fetcher picks graphql-ws for subscriptions by the parsed document it is handed. GraphiQL's
  // own copy follows the editor after a short debounce, so a run right after an edit would go out with
  // the previous operation's type: parse what is actually sent (graphql-js ships inside the bundle).
  function documentOf(query) {
    try { return GraphiQL.GraphQL.parse(query); } catch (e) { return undefined; }
  }

  function fetcher(params, opts) {
    var headers = usableHeaders(opts && opts.headers);
    var fetchOne = GraphiQL.createFetcher({ url: httpUrl, wsClient: wsClientFor(authorizationOf(headers)) });
    var documentAST = documentOf(params.query) || (opts && opts.documentAST);
    return fetchOne(params, Object.assign({}, opts, { headers: headers, documentAST: documentAST }));
  }

  // ?query=…&variables=…&operationName=… open the IDE on that operation (a link to share). Headers are
  // never read from the address: they hold tokens.
  var search = new URLSearchParams(location.search);

  var props = {
    fetcher: fetcher,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultHeaders: JSON.stringify({ Authorization: 'Bearer ' + PLACEHOLDER }, null, 2),
    defaultEditorToolsVisibility: 'headers',
    defaultQuery: [
      '# Ordo GraphQL IDE: queries and mutations over HTTP,',
      '# subscriptions over graphql-ws, both at /graphql.',
      '#',
      '# Signed-in calls: in Headers below, replace <token>',
      '# with an admin API key, a customer session token',
      '# (from login) or an order access token. While it',
      '# says <token>, no Authorization header is sent.',
      '#',
      '# Run: Ctrl-Enter (Cmd-Enter on a Mac).',
      '',
      '{',
      '  products(first: 5) {',
      '    nodes {',
      '      name',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  };
  if (search.has('query')) props.query = search.get('query');
  if (search.has('variables')) props.variables = search.get('variables');
  if (search.has('operationName')) props.operationName = search.get('operationName');

  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
`;
