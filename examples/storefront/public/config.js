// Runtime settings of the built storefront, read before the app starts, so one build can be pointed at
// any engine: edit this file next to index.html (or serve another one in its place).
// url: the engine's GraphQL endpoint over HTTP; its WebSocket endpoint is the same URL with ws(s)://.
// Left empty: VITE_ORDO_URL from the build, else http://localhost:4000/graphql.
window.ORDO_CONFIG = { url: '' };
